/**
 * Pairs journal trades on a symbol the broker is flat in with the broker's closing fills.
 * Invariants: only a FILLED quantity on the opposite side counts (never an open or unfilled order);
 * each broker order closes at most one trade; a trade's own exit order (by id or client order id)
 * wins, otherwise the earliest unused fill submitted after the trade's entry; no fill → missed.
 * An exit order is the trade's own when its id is the row's exit order id, or its client order id
 * has the row's exit stem (the row may hold only the stem: the sell goes out before 'exiting' is
 * written); only the trade's own sell lends its rule (named in its client order id) to the close.
 * The trade's protective stops (any placement) and a bracket entry's legs are its own exit orders
 * too: their fill closes it as 'broker_stop' (the stop sold while Keel was down), 'hard_stop' (a
 * bracket's stop leg) or 'profit_target' (its take-profit leg).
 */
import { ZERO } from '../../domain/money.js';
import { exitStemOf, parseExitOrderId } from '../exits/exit-order-id.js';
import { stopPlacementOf } from '../exits/protective-stop.js';
import type { Order } from '../../domain/order.js';
import type { ReconcileFinding } from '../../domain/reconciliation.js';
import type { ExitReason, Trade } from '../../domain/trade.js';
import { realizedPnl } from './closing.js';

const fillTime = (o: Order): number => o.filledAt ?? o.updatedAt ?? o.createdAt;
const entryTime = (t: Trade): number => t.entryAt ?? t.createdAt;

const isFill = (o: Order, side: 'buy' | 'sell'): boolean => o.side === side && o.filledQty.gt(0) && o.filledAvgPrice !== null;
const exitSideOf = (t: Trade): 'buy' | 'sell' => (t.side === 'buy' ? 'sell' : 'buy');
export const ownsExit = (t: Trade, o: Order): boolean =>
  o.id === t.exitOrderId || (t.exitClientOrderId !== null && exitStemOf(o.clientOrderId) === exitStemOf(t.exitClientOrderId)) || isOwnStop(t, o);
/** one of the trade's protective stops (`<entry id>-s<n>`, core/exits/protective-stop.ts) */
export const isOwnStop = (t: Trade, o: Order): boolean =>
  o.id === t.stopOrderId || o.id === t.targetOrderId || stopPlacementOf(t.entryClientOrderId ?? t.id, o.clientOrderId) !== null;

/** the exit a broker-side order of the trade is: a bracket's take-profit or stop leg, or its protective stop */
const brokerExitReason = (t: Trade, o: Order): ExitReason =>
  (o.id === t.targetOrderId ? 'profit_target' : o.orderClass === 'bracket' ? 'hard_stop' : 'broker_stop');

export function matchExits(trades: readonly Trade[], closedOrders: readonly Order[]): ReconcileFinding[] {
  const byEntry = [...trades].sort((a, b) => entryTime(a) - entryTime(b) || a.id.localeCompare(b.id));
  const byFill = [...closedOrders].sort((a, b) => fillTime(a) - fillTime(b) || a.id.localeCompare(b.id));
  // first pass: a trade's own exit order is reserved for it, so an older trade cannot take it
  const matched = new Map<string, Order>();
  for (const t of byEntry) {
    const own = byFill.find((o) => isFill(o, exitSideOf(t)) && ownsExit(t, o));
    if (own) matched.set(t.id, own);
  }
  const used = new Set([...matched.values()].map((o) => o.id));
  for (const t of byEntry) {
    if (matched.has(t.id)) continue;
    const fill = byFill.find((o) => isFill(o, exitSideOf(t)) && !used.has(o.id) && (o.submittedAt ?? o.createdAt) > entryTime(t) - 1);
    if (fill) { matched.set(t.id, fill); used.add(fill.id); }
  }
  return byEntry.map((t) => finding(t, matched.get(t.id) ?? null));
}

function finding(trade: Trade, fill: Order | null): ReconcileFinding {
  if (!fill || fill.filledAvgPrice === null) {
    return {
      kind: 'missing_at_broker', tradeId: trade.id, symbol: trade.symbol,
      note: `broker holds no ${trade.symbol} position and reports no ${exitSideOf(trade)} fill since entry; marked missed by reconciliation`,
    };
  }
  const shares = trade.shares ?? fill.filledQty;
  const exitPrice = fill.filledAvgPrice;
  const { pnl, pnlPct } = trade.entryPrice === null ? { pnl: ZERO, pnlPct: ZERO } : realizedPnl(trade.side, trade.entryPrice, exitPrice, shares);
  const rule = isOwnStop(trade, fill) ? brokerExitReason(trade, fill) : ownsExit(trade, fill) ? parseExitOrderId(fill.clientOrderId)?.reason : null;
  return {
    kind: 'closed_at_broker', tradeId: trade.id, symbol: trade.symbol, exitOrderId: fill.id, exitPrice, shares, pnl, pnlPct, exitAt: fillTime(fill),
    exitReason: rule ?? 'reconciled_closed_at_broker',
  };
}
