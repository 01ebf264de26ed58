/**
 * Carrying out an exit decision at the broker.
 * Invariants:
 *  - Keel's own open orders on the symbol (the trade's entry order while it may still fill) are
 *    cancelled BEFORE the sell, so the sell never competes with them for the shares;
 *  - the sell is a market order for the trade's shares, time in force day, with a client order id
 *    derived from the trade and the rule that fired: `<entry id>-x1-<rule>`, then `-x2-…` only
 *    after a terminal rejection of the previous one (core/exits/exit-order-id.ts). The same
 *    attempt number never produces two different orders;
 *  - a retry sells what the broker holds (retryQuantity), never the journal's guess again: a sell
 *    refused for its quantity is never sent twice with the same quantity;
 *  - an unknown outcome is settled by client order id (entry-resolver.ts), never by a second sell.
 */
import { errorText } from '../lib/error-text.js';
import { isQuantityRefusal } from '../domain/broker-error.js';
import { dec, Decimal, ZERO } from '../domain/money.js';
import { isTerminalStatus, type Order, type OrderRequest } from '../domain/order.js';
import type { Trade } from '../domain/trade.js';
import type { BrokerPort, SubmitOutcome } from '../ports/broker.port.js';
import type { Clock } from '../ports/clock.port.js';
import { exitOrderStem, exitStemOf } from '../core/exits/exit-order-id.js';
import { resolveByClientOrderId, type ResolveOptions } from './entry-resolver.js';


/** the stem of the attempt's sell id (the rule is appended when the sell is sent) */
export function exitClientOrderId(trade: Pick<Trade, 'id' | 'entryClientOrderId'>, attempt: number): string {
  return exitOrderStem(trade.entryClientOrderId ?? trade.id, attempt);
}

export function exitOrderRequest(trade: Trade, shares: Decimal, clientOrderId: string): OrderRequest {
  return { symbol: trade.symbol, side: 'sell', type: 'market', timeInForce: 'day', qty: shares, clientOrderId };
}

/**
 * The sell a crash may have left behind for this attempt's stem (its rule unknown to the row):
 * the symbol's sells since the entry, by stem. Asked until the broker answers, like
 * resolveByClientOrderId; null = no sell carries the stem.
 */
export async function findExitByStem(broker: BrokerPort, clock: Clock, trade: Trade, stem: string, opts: ResolveOptions = {}): Promise<Order | null> {
  const since = (trade.entryAt ?? trade.createdAt) - STEM_LOOKBACK_MS;
  const base = opts.baseMs ?? 1_000;
  const max = opts.maxMs ?? 30_000;
  for (let attempt = 0; ; attempt++) {
    opts.signal?.throwIfAborted();
    try {
      const sells = await broker.listAllOrders({ status: 'all', symbols: [trade.symbol], side: 'sell', after: since });
      return sells.find((o) => exitStemOf(o.clientOrderId) === stem) ?? null;
    } catch {
      await clock.sleep(Math.min(max, base * 2 ** attempt), opts.signal);
    }
  }
}

/** Keel's entry time and the broker's submission time may disagree by clock skew */
const STEM_LOOKBACK_MS = 60_000;

export type ExitSubmission =
  | { kind: 'accepted'; order: Order }
  /** quantity: refused for its quantity (insufficient qty), see isQuantityRefusal */
  | { kind: 'rejected'; error: string; quantity: boolean };

/** cancels the entry order if it may still be working; a cancel that fails is not fatal (it may have just ended) */
export async function cancelOwnOpenOrders(broker: BrokerPort, orderIds: readonly string[]): Promise<void> {
  await Promise.all(orderIds.map((id) => broker.cancelOrder(id).catch(() => undefined)));
}

/** submits the sell; an unknown outcome is looked up by client order id until the broker answers */
export async function submitExit(broker: BrokerPort, clock: Clock, request: OrderRequest, resolve: ResolveOptions = {}): Promise<ExitSubmission> {
  for (;;) {
    const outcome: SubmitOutcome = await broker.submitOrder(request);
    if (outcome.kind === 'accepted') return { kind: 'accepted', order: outcome.order };
    if (outcome.kind === 'rejected') return { kind: 'rejected', error: outcome.error.message, quantity: isQuantityRefusal(outcome.error) };
    const found = await resolveByClientOrderId(broker, clock, request.clientOrderId, resolve);
    if (found) return { kind: 'accepted', order: found };
    // the broker answered: no order carries this id, so the POST never landed and sending it
    // again (same client order id) cannot double the sell
  }
}

/** the shares still to sell after earlier exit orders filled part of the position */
export function remainingShares(shares: Decimal, soldSoFar: Decimal): Decimal {
  const left = shares.minus(soldSoFar);
  return left.isNegative() ? dec(0) : left;
}

export type RetryPlan =
  | { kind: 'sell'; qty: Decimal; /** the trade's shares as the broker's position says (differs: journal it) */ shares: Decimal }
  /** the broker holds nothing: the trade is settled by reconciliation (closed at the broker, or missed) */
  | { kind: 'flat' }
  /** the broker still reports exactly the quantity it refused: sending it again cannot help */
  | { kind: 'refused_again'; qty: Decimal };

/**
 * What a retry sells: the broker's position of the symbol, at most the trade's own shares (Keel
 * holds one trade per symbol: the duplicate-symbol check), pure.
 * `refused` = the quantity of a sell just refused for its quantity (null otherwise).
 */
export function retryQuantity(held: Decimal, tradeShares: Decimal, sold: Decimal, refused: Decimal | null): RetryPlan {
  const qty = Decimal.min(held.abs(), tradeShares);
  if (!qty.gt(0)) return { kind: 'flat' };
  if (refused !== null && qty.eq(refused)) return { kind: 'refused_again', qty };
  return { kind: 'sell', qty, shares: sold.plus(qty) };
}

/** reads the broker's position of the symbol and plans the retry; a failed read is a value, not a throw */
export async function readRetryPlan(
  broker: Pick<BrokerPort, 'getPosition'>, symbol: string, tradeShares: Decimal, sold: Decimal, refused: Decimal | null,
): Promise<(RetryPlan & { held: Decimal }) | { kind: 'unreadable'; error: string }> {
  let held: Decimal;
  try {
    held = (await broker.getPosition(symbol))?.qty.abs() ?? ZERO;
  } catch (error) {
    return { kind: 'unreadable', error: errorText(error) };
  }
  return { ...retryQuantity(held, tradeShares, sold, refused), held };
}

/** what the trade's exit orders have sold so far (cumulative per order, so replays change nothing) */
export class ExitFills {
  /** made on the first exit order: most positions never exit while held in memory (bench B3) */
  private map: Map<string, { qty: Decimal; avg: Decimal | null; terminal: boolean }> | null = null;
  private get orders() {
    return (this.map ??= new Map());
  }

  /** records the order's state; true only when it has just become terminal */
  update(order: Order): boolean {
    if (this.orders.get(order.id)?.terminal) return false;
    const terminal = isTerminalStatus(order.status);
    this.orders.set(order.id, { qty: order.filledQty, avg: order.filledAvgPrice, terminal });
    return terminal;
  }

  has(orderId: string): boolean {
    return this.orders.has(orderId);
  }

  workingIds(): string[] {
    return [...this.orders].filter(([, s]) => !s.terminal).map(([id]) => id);
  }

  sold(): Decimal {
    let sold = ZERO;
    for (const s of this.orders.values()) sold = sold.plus(s.qty);
    return sold;
  }

  /** volume-weighted exit price over every exit order */
  averagePrice(): Decimal {
    let qty = ZERO;
    let value = ZERO;
    for (const s of this.orders.values()) { qty = qty.plus(s.qty); value = value.plus(s.qty.times(s.avg ?? ZERO)); }
    return qty.gt(0) ? value.div(qty) : ZERO;
  }
}
