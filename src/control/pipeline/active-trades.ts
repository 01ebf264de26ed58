/**
 * GET /api/trades/active: every open or exiting trade with what its position actor is armed with
 * RIGHT NOW (the symbol book's settings and live peak: a PATCHed stop shows at once) and its
 * unrealized P&L at the symbol's last tick. Money and prices are exact decimals, times epoch ms (as everywhere in the API).
 * Invariants: the list is the database's (a trade this process does not track — stopped, another
 * instance writing — is still listed); a level the position is not armed with is null (exiting,
 * untracked, or an exit rule that is off), never a guess from the settings; prices that come from
 * float thresholds are shown to 8 decimals, as they are rounded where they are computed.
 */
import { realizedPnl } from '../../core/reconcile/closing.js';
import { Decimal } from '../../domain/money.js';
import type { EpochMs } from '../../domain/time.js';
import type { Trade } from '../../domain/trade.js';
import type { ArmedPosition } from '../../actors/position-supervisor.types.js';
import type { ActiveTrade } from './pipeline.types.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { listTrades } from '../../adapters/postgres/index.js';

const price = (x: number | null | undefined): Decimal | null => (x === null || x === undefined || !Number.isFinite(x) ? null : new Decimal(x).toDecimalPlaces(8));
const instant = (ms: number | null | undefined): EpochMs | null => (ms === null || ms === undefined || !Number.isFinite(ms) ? null : ms);

const FROM_SETTINGS = Object.freeze({ stop: 'settings', target: 'settings', trailingStop: 'settings', maxHold: 'settings' } as const);

export async function activeTrades(deps: Pick<PipelineDeps, 'db' | 'supervisor'>): Promise<ActiveTrade[]> {
  const trades = await listTrades(deps.db, { statuses: ['open', 'exiting'] });
  const armed = new Map(deps.supervisor.armedPositions().map((p) => [p.tradeId, p]));
  return trades
    .map((trade) => activeTrade(trade, armed.get(trade.id) ?? null))
    .sort((a, b) => (a.entryAt ?? 0) - (b.entryAt ?? 0) || a.id.localeCompare(b.id));
}

function activeTrade(trade: Trade, position: ArmedPosition | null): ActiveTrade {
  const levels = position?.levels ?? null;
  const live = liveFields(trade, position);
  return {
    id: trade.id,
    symbol: trade.symbol,
    shares: trade.shares,
    entryPrice: trade.entryPrice,
    entryAt: instant(trade.entryAt),
    lastPrice: live.lastPrice,
    lastPriceAt: live.lastPriceAt,
    unrealizedPnl: live.unrealizedPnl,
    unrealizedPnlPct: live.unrealizedPnlPct,
    peakPrice: live.peakPrice,
    stopPrice: price(levels?.stopPrice),
    targetPrice: price(levels?.targetPrice),
    targetAtBroker: levels?.targetAtBroker ?? false,
    trailingStopPrice: live.trailingStopPrice,
    maxHoldUntil: instant(levels?.maxHoldUntil),
    forceCloseAt: instant(levels?.forceCloseAt),
    state: position?.state === 'open' || position?.state === 'exiting' ? position.state : trade.status as ActiveTrade['state'],
    brokerStop: {
      state: position?.stop?.state ?? null, clientOrderId: trade.stopClientOrderId, orderId: trade.stopOrderId,
      stopPrice: trade.stopPrice, qty: trade.stopQty, note: trade.stopNote, why: position?.stop?.why ?? null,
    },
    levelSources: trade.exitPlan?.sources ?? FROM_SETTINGS,
  };
}

/** what moves with every tick: the `positions` live event carries exactly these */
export type LivePositionFields = Pick<ActiveTrade, 'lastPrice' | 'lastPriceAt' | 'unrealizedPnl' | 'unrealizedPnlPct' | 'peakPrice' | 'trailingStopPrice'>;

/** the tick-driven fields of a trade at its position's last tick (the same numbers /api/trades/active shows) */
export function liveFields(trade: Trade, position: ArmedPosition | null): LivePositionFields {
  const levels = position?.levels ?? null;
  const last = price(position?.lastTick?.price);
  const pnl = last && trade.entryPrice && trade.shares ? realizedPnl(trade.side, trade.entryPrice, last, trade.shares) : null;
  const peak = levels ? Decimal.max(price(levels.peakPrice) ?? 0, trade.peakPrice ?? 0) : trade.peakPrice;
  return {
    lastPrice: last,
    lastPriceAt: last ? instant(position?.lastTick?.at) : null,
    unrealizedPnl: pnl?.pnl ?? null,
    unrealizedPnlPct: pnl ? pnl.pnlPct.toNumber() : null,
    peakPrice: peak,
    trailingStopPrice: price(levels?.trailingStopPrice),
  };
}
