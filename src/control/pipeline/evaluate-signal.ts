/**
 * One signal's evaluation, before any mode applies: rate → duplicate → size → every entry check,
 * on the facts gathered here.
 * Invariants: a signal that cannot be rated, or rates below 3 stars, is denied before the broker
 * is asked anything; a symbol with a live trade is a duplicate whatever else holds; every check
 * that ran keeps its verdict (the what-if view and the trade's provenance).
 *
 * The facts an entry decision needs, gathered from the bot control (state, reconciled, market
 * clock), the database (config, live symbols, today's entries and stats, whether the signal id is
 * stored: ONE statement, entry.repo.ts), the account snapshot cache and the freshest price.
 * The broker is asked according to `broker`:
 *  - 'ask' (intake): never; what only a broker read could tell (no account snapshot for this broker,
 *    a lapsed market clock, a risk_based size with no price) comes back as `needs`, so the caller
 *    can answer first and read afterwards (warmBrokerFacts);
 *  - 'never' (after that read): never; whatever is still missing is unknown;
 *  - 'wait' (the what-if): reads what is missing, as a cold start must.
 * A broker that cannot be asked yields nulls, never a throw: the checks turn unknowns into
 * denials (BUYING_POWER_UNKNOWN, MARKET_STATE_UNKNOWN, PRICE_UNAVAILABLE), so an outage blocks
 * entries instead of guessing; a snapshot older than the cache's bound is unknown too.
 */
import type { CheckVerdict, Denial } from '../../domain/denial.js';
import type { SignalInput, SizeDecision } from '../../domain/signal.js';
import type { BotConfig } from '../../domain/bot-config.js';
import { runEntryChecks } from '../../core/risk/gateway.js';
import { rateStars } from '../../core/signals/rate-stars.js';
import { sizeEntry } from '../../core/sizing/size-entry.js';
import type { PipelineRuntime } from './pipeline-runtime.js';
import type { AccountCache } from './account-cache.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { loadEntryFacts } from '../../adapters/postgres/index.js';
import { judgeWinRate } from '../../core/safety/win-rate.js';
import { forceCloseWhileOpen } from '../../core/calendar/force-close.js';
import type { BotStatus, EntryGate } from '../lifecycle/bot-control.types.js';
import type { EpochMs } from '../../domain/time.js';
import { etDate, etWallToEpoch } from '../../domain/market-time.js';
import { ZERO, type Decimal } from '../../domain/money.js';
import { LIVE_TRADE_STATUSES } from '../../domain/trade.js';
import type { EntryContext, SafetyFacts } from '../../core/risk/check.types.js';

export interface EntryFacts {
  config: BotConfig;
  botState: EntryContext['botState'];
  reconciled: boolean;
  marketOpen: boolean | null;
  /** when the facts were gathered (Keel's clock) */
  now: EpochMs;
  /** today's forced close while the market is open (the gate's session close, eodForceCloseTime); null otherwise */
  forceCloseAt: EpochMs | null;
  liveSymbols: ReadonlySet<string>;
  liveTradeCount: number;
  buyingPower: Decimal | null;
  equity: Decimal | null;
  price: number | null;
  safety: SafetyFacts;
  /** a signal with this id is stored already: intake answers with the stored answer */
  signalStored: boolean;
}

/** what only a broker read can tell (true = missing) */
export interface BrokerNeeds {
  account: boolean;
  marketClock: boolean;
  /** risk_based sizing with no price known: the symbol's latest trade */
  price: boolean;
}

export type BrokerUse = 'ask' | 'never' | 'wait';

/** a decision that must wait for the broker: nothing decided yet */
export interface NeedsBroker {
  needs: BrokerNeeds;
  signalStored: boolean;
}

export interface FactsOptions {
  broker: BrokerUse;
  /** the latest-trade price warmBrokerFacts read (null: the read failed) */
  warmedPrice?: number | null;
}

export async function gatherEntryFacts(deps: PipelineDeps, account: AccountCache, signal: SignalInput): Promise<EntryFacts>;
export async function gatherEntryFacts(deps: PipelineDeps, account: AccountCache, signal: SignalInput, opts: FactsOptions): Promise<EntryFacts | NeedsBroker>;
export async function gatherEntryFacts(deps: PipelineDeps, account: AccountCache, signal: SignalInput, opts: FactsOptions = { broker: 'wait' }): Promise<EntryFacts | NeedsBroker> {
  const now = deps.clock.now();
  const today = etDate(now);
  const asking = opts.broker === 'ask';
  // the database's part is ONE statement (docs/benchmarks.md, B6b): config, live symbols, today's entries and stats
  const factsQuery = { date: today, since: etWallToEpoch(today, 0), liveStatuses: LIVE_TRADE_STATUSES, signalId: signal.id };
  const gateNow = asking && deps.entryGateNow ? deps.entryGateNow() : undefined;
  const [first, status, snapshot] = await Promise.all([
    loadEntryFacts(deps.db, factsQuery),
    gateNow !== undefined ? gateNow : deps.entryGate ? deps.entryGate() : deps.control.status(),
    opts.broker === 'wait' ? account.lookupOrRead() : account.lookup(),
  ]);
  // no bot_config row yet (a first boot): the control creates it with the defaults, then read again
  const row = first ?? (await deps.control.getConfig(), await loadEntryFacts(deps.db, factsQuery));
  if (!row) throw new Error('bot_config row missing after it was created');
  const { config, liveSymbols, today: stats, entriesSince: entriesToday, signalStored, winRateWindow } = row;
  const known = deps.lastPrice?.(signal.symbol) ?? (signal.priceAtSignal ? signal.priceAtSignal.toNumber() : null);
  // only risk_based sizing reads a price (the share-price pillar judges the signal's own price)
  const wantsPrice = known === null && config.sizingMode === 'risk_based';
  if (asking) {
    const needs: BrokerNeeds = { account: snapshot.kind === 'none', marketClock: status === null, price: wantsPrice };
    if (needs.account || needs.marketClock || needs.price) return { needs, signalStored };
  }
  if (status === null) throw new Error('unreachable: a missing entry gate is returned as a need');
  const price = !wantsPrice ? known : opts.broker === 'wait' ? await latestPriceOrNull(deps, signal.symbol) : opts.warmedPrice ?? null;
  const fresh = snapshot.kind === 'fresh' ? snapshot : null;
  const gate = deps.supervisor.streamGate();
  return {
    config,
    signalStored,
    botState: status.state,
    reconciled: status.reconciled,
    marketOpen: status.marketOpen,
    now,
    forceCloseAt: forceCloseOf(status, config.eodForceCloseTime),
    liveSymbols: new Set(liveSymbols),
    liveTradeCount: liveSymbols.length,
    buyingPower: fresh?.buyingPower ?? null,
    equity: fresh?.equity ?? null,
    price,
    safety: {
      today: {
        date: today, realizedPnl: stats?.realizedPnl ?? ZERO, tradeCount: entriesToday,
        roundTripCount: stats?.roundTripCount ?? 0, breakerLevel: stats?.breakerLevel ?? 'none',
      },
      equity: fresh?.equity ?? null,
      unrealizedPnl: deps.supervisor.unrealizedPnl(),
      // what the broker holds plus Keel's entries it has not yet reported
      investedValue: fresh?.longMarketValue ? fresh.longMarketValue.plus(fresh.reserved) : null,
      marginMultiplier: fresh?.multiplier ?? null,
      accountBlocked: fresh ? fresh.blocked : null,
      tradeStreamLive: gate.live,
      openSellSymbols: gate.openSellSymbols,
      winRate: judgeWinRate(winRateWindow, config),
    },
  };
}

export function toEntryContext(facts: EntryFacts, signal: SignalInput, notional: Decimal): EntryContext {
  return {
    signal,
    settings: facts.config,
    botState: facts.botState,
    reconciled: facts.reconciled,
    marketOpen: facts.marketOpen,
    now: facts.now,
    forceCloseAt: facts.forceCloseAt,
    liveSymbols: facts.liveSymbols,
    liveTradeCount: facts.liveTradeCount,
    buyingPower: facts.buyingPower,
    notional,
    price: facts.price,
    safety: facts.safety,
  };
}

/** the day's forced close from the entry gate's session close (a status computed it already) */
function forceCloseOf(status: EntryGate | BotStatus, eodTime: string): EpochMs | null {
  if (!('sessionClose' in status)) return status.forceCloseAt;
  return forceCloseWhileOpen(status.marketOpen, status.sessionClose, eodTime);
}

export const needsBroker = <T extends object>(x: T | NeedsBroker): x is NeedsBroker => 'needs' in x;

/** the broker reads a decision waits for (each failure leaves that fact unknown); the price read, if any */
export async function warmBrokerFacts(deps: PipelineDeps, account: AccountCache, signal: SignalInput, needs: BrokerNeeds): Promise<{ price: number | null }> {
  const [price] = await Promise.all([
    needs.price ? latestPriceOrNull(deps, signal.symbol) : Promise.resolve(null),
    needs.account ? account.ready() : Promise.resolve(),
    // the gate's market clock read fills its cache; a failure is cached as unknown
    needs.marketClock && deps.entryGate ? deps.entryGate().catch(() => undefined) : Promise.resolve(),
  ]);
  return { price };
}

async function latestPriceOrNull(deps: PipelineDeps, symbol: string): Promise<number | null> {
  const data = deps.marketData();
  if (!data) return null;
  try {
    const trades = await data.getLatestTrades([symbol]);
    return trades[symbol]?.price ?? null;
  } catch {
    return null;
  }
}

const MIN_STARS = 3;

export interface Evaluation {
  config: BotConfig;
  stars: number | null;
  /** the first denial; null = the entry may go */
  denial: Denial | null;
  /** a live trade already holds the symbol: skipped_duplicate, no trade row */
  duplicate: boolean;
  /** rating failed: skipped whatever the execution mode */
  unrated: boolean;
  verdicts: CheckVerdict[];
  size: SizeDecision | null;
  facts: EntryFacts | null;
}

export interface EvaluateOptions {
  /** every check runs and keeps its verdict even for a duplicate (POST /api/signals/evaluate) */
  whatIf?: boolean;
  /** how the broker may be asked (gatherEntryFacts); default 'wait' */
  facts?: FactsOptions;
}

export async function evaluateSignal(deps: PipelineDeps, account: AccountCache, signal: SignalInput, opts?: { whatIf?: boolean; facts?: FactsOptions & { broker: 'wait' | 'never' } }): Promise<Evaluation>;
export async function evaluateSignal(deps: PipelineDeps, account: AccountCache, signal: SignalInput, opts: EvaluateOptions): Promise<Evaluation | NeedsBroker>;
export async function evaluateSignal(deps: PipelineDeps, account: AccountCache, signal: SignalInput, opts: EvaluateOptions = {}): Promise<Evaluation | NeedsBroker> {
  const stars = rateStars(signal);
  const ratingDenial = starDenial(signal, stars);
  if (ratingDenial) {
    const config = await deps.control.getConfig();
    return { config, stars, denial: ratingDenial, duplicate: false, unrated: true, verdicts: [verdict('star-rating', ratingDenial)], size: null, facts: null };
  }
  const facts = await gatherEntryFacts(deps, account, signal, opts.facts ?? { broker: 'wait' });
  if (needsBroker(facts)) return facts;
  const base = { config: facts.config, stars, unrated: false, facts };
  if (facts.liveSymbols.has(signal.symbol) && !opts.whatIf) {
    const denial: Denial = { code: 'DUPLICATE_SYMBOL', message: `${signal.symbol} already has a live trade`, context: { symbol: signal.symbol } };
    return { ...base, denial, duplicate: true, verdicts: [verdict('star-rating', null), verdict('duplicate-symbol', denial)], size: null };
  }
  const sized = sizeEntry({ settings: facts.config, signal, stars: stars as number, equity: facts.equity, price: facts.price });
  if (!sized.ok) {
    return { ...base, denial: sized.denial, duplicate: false, verdicts: [verdict('star-rating', null), verdict('sizing', sized.denial)], size: null };
  }
  const checked = runEntryChecks(toEntryContext(facts, signal, sized.size.notional));
  const denial = checked.denial;
  return {
    ...base,
    denial,
    duplicate: denial?.code === 'DUPLICATE_SYMBOL',
    verdicts: [verdict('star-rating', null), verdict('sizing', null), ...checked.verdicts],
    size: sized.size,
  };
}

function starDenial(signal: SignalInput, stars: number | null): Denial | null {
  if (stars === null) {
    return { code: 'NO_STAR_RATING', message: `tier ${signal.catalystTier} needs an AI confidence or explicit stars`, context: { catalystTier: signal.catalystTier } };
  }
  if (stars < MIN_STARS) return { code: 'STARS_TOO_LOW', message: `${stars} stars is below ${MIN_STARS}`, context: { stars, min: MIN_STARS } };
  return null;
}

const verdict = (check: string, denial: Denial | null): CheckVerdict => ({ check, passed: denial === null, denial });

/**
 * The second half of a decision that needed the broker: the reads it named, inside the runtime's
 * brokerWait (signals queued behind it are answered meanwhile), then the checks again on facts
 * gathered after them (nothing read from the broker any more: what is still missing is unknown).
 */
export async function evaluateAfterBrokerRead(rt: PipelineRuntime, signal: SignalInput, needs: BrokerNeeds): Promise<Evaluation> {
  const warmed = await rt.brokerWait(() => warmBrokerFacts(rt.deps, rt.account, signal, needs));
  return evaluateSignal(rt.deps, rt.account, signal, { facts: { broker: 'never', warmedPrice: warmed.price } });
}
