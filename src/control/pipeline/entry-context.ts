/**
 * The facts an entry decision needs, gathered at once from the bot control (state, reconciled,
 * market clock), the database (live trades) and the broker (account, latest trade).
 * A broker that cannot be asked yields nulls, never a throw: the checks turn unknowns into
 * denials (BUYING_POWER_UNKNOWN, MARKET_STATE_UNKNOWN, PRICE_UNAVAILABLE), so an outage blocks
 * entries instead of guessing.
 */
import { listTrades } from './repos.js';
import type { BotConfig } from '../../domain/bot-config.js';
import type { Decimal } from '../../domain/money.js';
import type { SignalInput } from '../../domain/signal.js';
import { LIVE_TRADE_STATUSES } from '../../domain/trade.js';
import type { EntryContext } from '../../core/risk/check.types.js';
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
}

export async function gatherEntryFacts(deps: PipelineDeps, signal: SignalInput): Promise<EntryFacts> {
  const [config, status, live, account, latest] = await Promise.all([
    deps.control.getConfig(),
    deps.control.status(),
    listTrades(deps.db, { statuses: LIVE_TRADE_STATUSES }),
    accountOrNull(deps),
    latestPriceOrNull(deps, signal.symbol),
  ]);
  return {
    config,
    botState: status.state,
    reconciled: status.reconciled,
    marketOpen: status.marketOpen,
    liveSymbols: new Set(live.map((t) => t.symbol)),
    liveTradeCount: live.length,
    buyingPower: account?.buyingPower ?? null,
    equity: account?.equity ?? null,
    price: latest ?? (signal.priceAtSignal ? signal.priceAtSignal.toNumber() : null),
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
  };
}

async function accountOrNull(deps: PipelineDeps) {
  const broker = deps.broker();
  if (!broker) return null;
  try {
    return await broker.getAccount();
  } catch {
    return null;
  }
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
