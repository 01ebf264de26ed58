/**
 * The facts an entry decision needs, gathered from the bot control (state, reconciled, market
 * clock), the database (config, live symbols, today's entries and stats, whether the signal id is
 * stored: ONE statement, entry-facts.repo.ts), the account snapshot cache and the freshest price.
 * Nothing here waits on the broker when the cache is warm (docs/benchmarks.md, B6b): the account is read by REST only
 * on a cold start, and the latest trade only when no price is known AND the sizing mode needs one.
 * A broker that cannot be asked yields nulls, never a throw: the checks turn unknowns into
 * denials (BUYING_POWER_UNKNOWN, MARKET_STATE_UNKNOWN, PRICE_UNAVAILABLE), so an outage blocks
 * entries instead of guessing; a snapshot older than the cache's bound is unknown too.
 */
import { loadEntryFacts } from './repos.js';
import { etDate, etWallToEpoch } from '../../domain/market-time.js';
import type { BotConfig } from '../../domain/bot-config.js';
import { ZERO, type Decimal } from '../../domain/money.js';
import type { SignalInput } from '../../domain/signal.js';
import { LIVE_TRADE_STATUSES } from '../../domain/trade.js';
import type { EntryContext, SafetyFacts } from '../../core/risk/check.types.js';
import type { AccountCache } from './account-cache.js';
import type { PipelineDeps } from './pipeline-deps.js';

export interface EntryFacts {
  config: BotConfig;
  botState: EntryContext['botState'];
  reconciled: boolean;
  marketOpen: boolean | null;
  liveSymbols: ReadonlySet<string>;
  liveTradeCount: number;
  buyingPower: Decimal | null;
  equity: Decimal | null;
  price: number | null;
  safety: SafetyFacts;
  /** a signal with this id is stored already: intake answers with the stored answer */
  signalStored: boolean;
}

export async function gatherEntryFacts(deps: PipelineDeps, account: AccountCache, signal: SignalInput): Promise<EntryFacts> {
  const now = deps.clock.now();
  const today = etDate(now);
  // the database's part is ONE statement (docs/benchmarks.md, B6b): config, live symbols, today's entries and stats
  const factsQuery = { date: today, since: etWallToEpoch(today, 0), liveStatuses: LIVE_TRADE_STATUSES, signalId: signal.id };
  const [first, status, snapshot] = await Promise.all([
    loadEntryFacts(deps.db, factsQuery),
    deps.entryGate ? deps.entryGate() : deps.control.status(),
    account.lookupOrRead(),
  ]);
  // no bot_config row yet (a first boot): the control creates it with the defaults, then read again
  const row = first ?? (await deps.control.getConfig(), await loadEntryFacts(deps.db, factsQuery));
  if (!row) throw new Error('bot_config row missing after it was created');
  const { config, liveSymbols, today: stats, entriesSince: entriesToday, signalStored } = row;
  const known = deps.lastPrice?.(signal.symbol) ?? (signal.priceAtSignal ? signal.priceAtSignal.toNumber() : null);
  // only risk_based sizing reads a price (the share-price pillar judges the signal's own price)
  const price = known ?? (config.sizingMode === 'risk_based' ? await latestPriceOrNull(deps, signal.symbol) : null);
  const fresh = snapshot.kind === 'fresh' ? snapshot : null;
  const gate = deps.supervisor.streamGate();
  return {
    config,
    signalStored,
    botState: status.state,
    reconciled: status.reconciled,
    marketOpen: status.marketOpen,
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
    liveSymbols: facts.liveSymbols,
    liveTradeCount: facts.liveTradeCount,
    buyingPower: facts.buyingPower,
    notional,
    price: facts.price,
    safety: facts.safety,
  };
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
