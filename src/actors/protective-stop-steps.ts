/**
 * The broker work of the protective stop (the position machine's `open.stop` region and the stop
 * half of cancellingOwnOrders), each run as one step of the trade's queue.
 * Invariants:
 *  - convergence: syncStop reads what the broker holds (the row's stop by id, or by client order id
 *    when a crash came between writing the id and the POST's answer) and makes it what the trade
 *    wants (core/exits/protective-stop.ts) — nothing, a new stop, or a replacement; running it twice
 *    changes nothing the second time;
 *  - never two live, never none: a new level or quantity REPLACES the live stop (one PATCH: the broker
 *    swaps the orders, the old one ends `replaced`); where the broker will not replace it (a refusal,
 *    a fractional quantity that changes) the old stop's cancel is ACKNOWLEDGED (read back terminal)
 *    before the new stop; a cancel that is not acknowledged places nothing (the step fails, retried);
 *  - the id (`<entry id>-s<n>`), price and quantity are written BEFORE the request; the order id after
 *    (a replacement keeps the old order's id on the row until its answer: a lost answer is settled by
 *    following the old order's `replaced_by`);
 *  - an unknown outcome is settled by client order id or `replaced_by`, never by a second stop;
 *  - a fractional quantity the broker refuses (422) is stopped for its whole shares, and the row and
 *    journal say the remainder is protected by Keel's monitor only;
 *  - a stop found with fills is delivered to the actor (its fill is the trade's exit), never replaced.
 */
import { desiredStop, isFractionalRefusal, protectiveStopId, stopPlacementOf, wholeShares } from '../core/exits/protective-stop.js';
import { BrokerError } from '../domain/broker-error.js';
import type { Decimal } from '../domain/money.js';
import { isTerminalStatus, type Order } from '../domain/order.js';
import type { ExitReason, TradePatch } from '../domain/trade.js';
import { errorText } from '../lib/error-text.js';
import type { StopResult } from '../machines/position.machine.js';
import { resolveByClientOrderId } from './entry-resolver.js';
import type { BrokerPort } from '../ports/broker.port.js';
import type { PositionHost } from './position-host.js';
import { leaveTargetToBroker } from './bracket-target.js';

/** reads of a cancelled stop until it is terminal: the first at once, then 100 ms doubling (≈ 25 s in all) */
const ACK_READS = 9;

/**
 * the trade's stop as the broker has it now (null: none, or none that may still work or fill);
 * `trustKnown`: a stop the stream last showed working is taken as it is, without a read (the exit's
 * cancel: a stop that is gone answers the cancel, and the read back settles it)
 */
async function currentStop(host: PositionHost, trustKnown = false): Promise<Order | null> {
  const t = host.trade;
  if (!t.stopClientOrderId) return null;
  const known = host.stops.order;
  if (known && known.clientOrderId === t.stopClientOrderId && isTerminalStatus(known.status) && known.filledQty.isZero()) return null;
  if (trustKnown && known && known.clientOrderId === t.stopClientOrderId) return known;
  const { broker, clock, resolve } = host.deps;
  // a replaced stop hands over to its replacement (an answer lost, a restart in between)
  const order = await followReplaced(broker, t.stopOrderId ? await broker.getOrder(t.stopOrderId) : await resolveByClientOrderId(broker, clock, t.stopClientOrderId, resolve));
  if (!order) return null;
  if (order.id !== t.stopOrderId) await recordAccepted(host, order);
  host.deliver(order, clock.now());
  return order;
}

/** how far a stop's `replaced_by` is followed (each hop one replacement whose answer was lost) */
const MAX_REPLACED_HOPS = 5;

/** the end of a stop's chain of replacements (the order itself when it was not replaced) */
async function followReplaced(broker: BrokerPort, order: Order | null): Promise<Order | null> {
  let at = order;
  for (let hop = 0; at?.status === 'replaced' && at.replacedBy && hop < MAX_REPLACED_HOPS; hop++) at = await broker.getOrder(at.replacedBy);
  return at;
}

/** syncStop: the broker's stop made what the trade wants now */
export async function syncStopStep(host: PositionHost): Promise<StopResult> {
  const live = await currentStop(host);
  if (live && live.filledQty.gt(0)) return { kind: 'filled' };
  // a replacement still on its way (Alpaca refuses a replace or a cancel meanwhile): converge once it is done
  if (live?.status === 'pending_replace') return { kind: 'failed', why: `a replacement of protective stop ${live.clientOrderId} is pending at the broker` };
  // a bracket's stop leg is the protective stop as sent: never replaced or cancelled here (that would
  // take its take-profit leg with it); only once it is gone does the mode decide what follows
  if (live && !isTerminalStatus(live.status) && live.orderClass === 'bracket') return { kind: 'protected' };
  const want = desiredStop({ ...host.deps.stopPolicy(host.trade.id), qty: host.unsoldShares(), entryWorking: host.workingEntryId() !== null });
  if (want.kind === 'none') {
    if (live && !isTerminalStatus(live.status)) {
      const ended = await cancelStop(host, live);
      if (ended.kind !== 'ended') return unsettled(ended);
      await save(host, { stopPrice: null, stopQty: null, stopNote: null }, `protective stop ${live.clientOrderId} cancelled: ${want.why}`, { orderId: live.id });
    }
    return want;
  }
  if (live && isTerminalStatus(live.status) && !host.stops.wasCancelled(live.id)) {
    await save(host, {}, `protective stop ${live.clientOrderId} is gone at the broker (${live.statusRaw}); placing a new one`, { orderId: live.id, event: 'stop_replaced_missing' });
  }
  const wholeOnly = host.trade.stopNote !== null;
  const qty = wholeOnly ? wholeShares(want.qty).whole : want.qty;
  if (live && !isTerminalStatus(live.status)) {
    if (live.stopPrice?.eq(want.price) && live.qty?.eq(qty)) return { kind: 'protected' };
    const replaced = qty.gt(0) ? await replaceStop(host, live, want.price, qty, want.qty) : null;
    if (replaced) return replaced;
    const ended = await cancelStop(host, live);
    if (ended.kind !== 'ended') return unsettled(ended);
  }
  if (!qty.gt(0)) return noWholeShares(host, want.qty);
  return place(host, want.price, qty, want.qty);
}

/** `replaced`: the stop was swapped at the broker meanwhile (a replace whose answer was lost): its
 *  replacement `by` is the live stop now */
type Cancelled = { kind: 'ended' } | { kind: 'filled' } | { kind: 'working'; why: string } | { kind: 'replaced'; by: string | null };

/** a cancel that did not simply end the stop, as the sync's result (a replaced one converges next time) */
const unsettled = (c: Exclude<Cancelled, { kind: 'ended' }>): StopResult =>
  c.kind === 'filled' ? { kind: 'filled' } : { kind: 'failed', why: c.kind === 'working' ? c.why : `the stop was replaced at the broker meanwhile (by ${c.by ?? '?'}): converging on its replacement` };

/** the stop's cancel, acknowledged: read back until terminal (its fills are delivered on the way) */
export async function cancelStop(host: PositionHost, stop: Order): Promise<Cancelled> {
  const { broker, clock, resolve } = host.deps;
  host.stops.markCancelled(stop.id);
  try {
    await broker.cancelOrder(stop.id);
  } catch (error) {
    // 422 "not cancelable" (it just ended) or 404: the read below says which
    if (!(error instanceof BrokerError) || error.retryable) return { kind: 'working', why: `the stop's cancel failed: ${errorText(error)}` };
  }
  for (let read = 0; read < ACK_READS; read++) {
    if (read > 0) await clock.sleep(100 * 2 ** (read - 1), resolve.signal);
    const order = await broker.getOrder(stop.id).catch(() => undefined);
    if (order === undefined) continue;
    if (order === null) return { kind: 'ended' };
    host.deliver(order, clock.now());
    if (order.filledQty.gt(0) && isTerminalStatus(order.status)) return { kind: 'filled' };
    if (order.status === 'replaced') return { kind: 'replaced', by: order.replacedBy };
    if (isTerminalStatus(order.status)) return { kind: 'ended' };
  }
  return { kind: 'working', why: `the cancel of protective stop ${stop.clientOrderId} was not acknowledged` };
}

/** the trade's next stop id (`<entry id>-s<n+1>`) */
function nextStopId(host: PositionHost): string {
  const t = host.trade;
  const base = t.entryClientOrderId ?? t.id;
  return protectiveStopId(base, (t.stopClientOrderId ? stopPlacementOf(base, t.stopClientOrderId) ?? 0 : 0) + 1);
}

/** the stop the trade wants, on its row before the request (the order id after its answer) */
async function intend(host: PositionHost, coid: string, price: Decimal, qty: Decimal, wanted: Decimal, patch: TradePatch = {}): Promise<void> {
  const remainder = wanted.minus(qty);
  host.trade = await host.deps.store.saveStep(host.trade.id, {
    stopClientOrderId: coid, stopPrice: price, stopQty: qty, stopNote: remainder.gt(0) ? fractionNote(remainder) : null, ...patch,
  }, null, host.deps.clock.now());
  host.deps.route(host.trade.id, coid);
}

/**
 * The live stop moved in ONE request (PATCH): the broker swaps it for its replacement, so there is
 * no moment without a stop and never two. null: the broker will not replace it (a refusal; a
 * fractional quantity cannot change) — the caller cancels it, acknowledged, and places a new one.
 */
async function replaceStop(host: PositionHost, live: Order, price: Decimal, qty: Decimal, wanted: Decimal): Promise<StopResult | null> {
  const qtyChanges = !live.qty?.eq(qty);
  if (qtyChanges && (!qty.isInteger() || !live.qty?.isInteger())) return null;
  const coid = nextStopId(host);
  await intend(host, coid, price, qty, wanted);
  const outcome = await host.deps.broker.replaceOrder(live.id, { clientOrderId: coid, stopPrice: price, ...(qtyChanges ? { qty } : {}) });
  if (outcome.kind === 'accepted') {
    await recordAccepted(host, outcome.order);
    host.deliver(outcome.order, host.deps.clock.now());
    return { kind: 'protected' };
  }
  // unanswered: the old stop may be working or replaced; the next sync reads which (replaced_by)
  if (outcome.kind === 'unknown') return { kind: 'failed', why: `the replacement of protective stop ${live.clientOrderId} has no answer: ${outcome.error.brokerMessage}` };
  // the row back to the stop the broker holds, then the caller's cancel and new stop
  await save(host, { stopClientOrderId: live.clientOrderId, stopPrice: live.stopPrice, stopQty: live.qty },
    `the broker would not replace protective stop ${live.clientOrderId} (${outcome.error.brokerMessage}): cancelling it, then a new one`, { orderId: live.id });
  return null;
}

/** a new stop: id, price and quantity on the row first, then the POST (a 422 on a fraction: whole shares) */
async function place(host: PositionHost, price: Decimal, qty: Decimal, wanted: Decimal): Promise<StopResult> {
  const { broker, clock, resolve } = host.deps;
  const t = host.trade;
  const coid = nextStopId(host);
  await intend(host, coid, price, qty, wanted, { stopOrderId: null });
  const outcome = await broker.submitOrder({ symbol: t.symbol, side: 'sell', type: 'stop', timeInForce: 'day', qty, stopPrice: price, clientOrderId: coid });
  let order: Order | null = null;
  if (outcome.kind === 'accepted') order = outcome.order;
  else if (outcome.kind === 'unknown') order = await resolveByClientOrderId(broker, clock, coid, resolve);
  else if (isFractionalRefusal(outcome.error, qty)) {
    await save(host, {}, `the broker refused a fractional protective stop (${outcome.error.brokerMessage}): stopping the whole shares`, { clientOrderId: coid, qty: qty.toFixed() });
    const { whole } = wholeShares(qty);
    return whole.gt(0) ? place(host, price, whole, wanted) : noWholeShares(host, wanted);
  } else {
    return { kind: 'failed', why: `the broker refused the protective stop ${coid}: ${outcome.error.brokerMessage}` };
  }
  if (!order) return { kind: 'failed', why: `the protective stop ${coid} never reached the broker` };
  await recordAccepted(host, order);
  host.deliver(order, clock.now());
  return { kind: 'protected' };
}

/** the stop the broker holds, on the row as it holds it (a replacement's too) */
async function recordAccepted(host: PositionHost, order: Order): Promise<void> {
  const t = host.trade;
  host.deps.route(t.id, order.id);
  const note = t.stopNote ? `; ${t.stopNote}` : '';
  const how = order.replaces ? `replaced ${order.replaces} as` : 'placed as';
  host.trade = await host.deps.store.saveStep(t.id, {
    stopOrderId: order.id, stopClientOrderId: order.clientOrderId, ...(order.stopPrice ? { stopPrice: order.stopPrice } : {}), ...(order.qty ? { stopQty: order.qty } : {}),
  }, {
    kind: 'order_submitted', cause: 'position',
    message: `protective stop: sell ${order.qty?.toFixed() ?? '?'} ${t.symbol} at stop ${order.stopPrice?.toFixed() ?? '?'} ${how} ${order.clientOrderId}${note}`,
    data: { tradeId: t.id, orderId: order.id, clientOrderId: order.clientOrderId, replaces: order.replaces, stopPrice: order.stopPrice?.toFixed() ?? null, qty: order.qty?.toFixed() ?? null, uncovered: t.stopNote },
  }, host.deps.clock.now());
  host.deps.emit({ type: 'stop_placed', tradeId: t.id, clientOrderId: order.clientOrderId, stopPrice: order.stopPrice?.toFixed() ?? '', qty: order.qty?.toFixed() ?? '' });
}

/** fewer than one whole share and the broker refuses a fractional stop: Keel's monitor alone */
async function noWholeShares(host: PositionHost, wanted: Decimal): Promise<StopResult> {
  const why = `${fractionNote(wanted)} (less than one whole share; the broker refused a fractional stop)`;
  if (host.trade.stopNote !== why) await save(host, { stopPrice: null, stopQty: null, stopNote: why }, why, {});
  return { kind: 'none', why };
}

const fractionNote = (qty: Decimal): string => `${qty.toFixed()} share(s) protected by Keel's monitor only`;

async function save(host: PositionHost, patch: TradePatch, message: string, data: Record<string, unknown>): Promise<void> {
  const t = host.trade;
  host.trade = await host.deps.store.saveStep(t.id, patch, { kind: 'warning', cause: 'position', message: `${t.symbol}: ${message}`, data: { tradeId: t.id, ...data } }, host.deps.clock.now());
}

/** cancellingOwnOrders' half for the broker-side orders: the live stop (and a bracket's take-profit
 *  leg) cancelled, each cancel acknowledged, before a sell */
export async function cancelStopBeforeSell(host: PositionHost): Promise<void> {
  const live = await currentStop(host, true).catch(() => null);
  const legs: Order[] = [];
  if (live && !isTerminalStatus(live.status)) legs.push(live);
  const t = host.trade;
  if (t.targetOrderId && host.stops.targetLive(t)) legs.push(host.stops.target ?? ({ id: t.targetOrderId, clientOrderId: t.targetOrderId } as Order));
  let hops = 0;
  for (let i = 0; i < legs.length; i++) {
    const leg = legs[i]!;
    const ended = await cancelStop(host, leg);
    // a stop swapped at the broker unheard of: its replacement holds the shares, so it goes too
    if (ended.kind === 'replaced' && ended.by && hops++ < MAX_REPLACED_HOPS) {
      const { broker } = host.deps;
      const next = await broker.getOrder(ended.by).then((o) => followReplaced(broker, o)).catch(() => null);
      if (next && !isTerminalStatus(next.status)) legs.push(next);
    }
    if (ended.kind === 'working') {
      host.journal({ kind: 'warning', cause: 'position', message: `exit of ${t.symbol}: ${ended.why}; selling anyway`, data: { tradeId: t.id, orderId: leg.id } });
    }
  }
}

/** a bracket entry's legs, once the broker named them: its stop leg is the trade's protective stop */
export function recordBracketLegs(host: PositionHost, parent: Order): void {
  const stop = parent.legs?.find((l) => l.type === 'stop' || l.type === 'stop_limit');
  const target = parent.legs?.find((l) => l.type === 'limit');
  if (!stop && !target) return;
  const t = host.trade;
  for (const leg of [stop, target]) if (leg) { host.deps.route(t.id, leg.id); host.deps.route(t.id, leg.clientOrderId); }
  // known at once (the actor may classify a leg's update before the write lands)
  host.trade = { ...t, targetOrderId: target?.id ?? null, ...(stop ? { stopOrderId: stop.id, stopClientOrderId: stop.clientOrderId } : {}) };
  if (target) leaveTargetToBroker(host, true);
  host.enqueue('bracket legs', async () => {
    host.trade = await host.deps.store.saveStep(t.id, {
      targetOrderId: target?.id ?? null,
      ...(stop ? { stopOrderId: stop.id, stopClientOrderId: stop.clientOrderId, stopPrice: stop.stopPrice, stopQty: stop.qty } : {}),
    }, {
      kind: 'order_outcome', cause: 'broker',
      message: `bracket ${parent.clientOrderId}: take-profit leg ${target?.id ?? 'none'} at ${target?.limitPrice?.toFixed() ?? '-'}, stop-loss leg ${stop?.id ?? 'none'} at ${stop?.stopPrice?.toFixed() ?? '-'} (the protective stop)`,
      data: { tradeId: t.id, targetOrderId: target?.id ?? null, stopOrderId: stop?.id ?? null },
    }, host.deps.clock.now());
  });
}

/** an order at the broker sold while open (the protective stop, a bracket's leg): the 'exiting' record names it as the exit */
export function recordStopExit(host: PositionHost, price: number, reason: ExitReason): void {
  const { store, clock, emit } = host.deps;
  const t0 = host.trade;
  const order = reason === 'profit_target' ? host.stops.target : host.stops.order;
  const orderId = order?.id ?? (reason === 'profit_target' ? t0.targetOrderId : t0.stopOrderId);
  const clientOrderId = order?.clientOrderId ?? (reason === 'profit_target' ? t0.targetOrderId : t0.stopClientOrderId);
  const what = reason === 'broker_stop' ? 'the protective stop at the broker' : `the bracket's ${reason === 'profit_target' ? 'take-profit' : 'stop-loss'} leg`;
  emit({ type: 'exit_decided', tradeId: t0.id, symbol: t0.symbol, reason, price, detail: `${what} sold` });
  host.enqueue('stop exit', async () => {
    const t = host.trade;
    host.trade = await store.saveStep(t.id, { status: 'exiting', exitOrderId: orderId, exitClientOrderId: clientOrderId }, {
      kind: 'state_transition', cause: 'broker', message: `exit ${reason}: ${what} sold ${t.symbol} at ${price}`,
      data: { tradeId: t.id, from: 'open', to: 'exiting', exitReason: reason, price, orderId },
    }, clock.now());
  });
}
