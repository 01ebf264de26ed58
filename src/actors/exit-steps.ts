/**
 * The broker and database work of the position machine's exit states (position.machine.ts), each
 * run as one step of the trade's queue, so steps never overlap and the row is never written out of
 * order. The machine decides what comes next from what a step returns.
 * Invariants:
 *  - the exit client order id's stem is written to the row BEFORE the sell is sent (at the open),
 *    and the sell's id carries the rule that fired (core/exits/exit-order-id.ts), so a crash
 *    between the POST and the 'exiting' record loses neither the order nor its rule; a sell whose
 *    outcome is unknown is looked up by its id (after a restart: by its stem), never sent twice;
 *  - on the first exit the POST goes out before any database work (the tick → exit path);
 *  - a retried exit sells what the broker holds (exit-executor.ts retryQuantity) and journals a
 *    difference; a broker that holds nothing hands the trade to reconciliation (state `flat`).
 */
import { exitOrderId, exitStemOf } from '../core/exits/exit-order-id.js';
import { Decimal } from '../domain/money.js';
import type { Order } from '../domain/order.js';
import type { PositionMachineContext, ResumeResult, RetryResult, SubmitResult, TimedIntent } from '../machines/position.machine.js';
import { resolveByClientOrderId } from './entry-resolver.js';
import { cancelOwnOpenOrders, exitClientOrderId, exitOrderRequest, readRetryPlan, remainingShares, submitExit, type ExitSubmission } from './exit-executor.js';
import type { PositionHost } from './position-host.js';
import { cancelStopBeforeSell } from './protective-stop-steps.js';
import { journaledExit, sentExit } from './position-restore.js';

type Posted = (ExitSubmission & { qty: Decimal }) | { kind: 'nothing' };

/** cancellingOwnOrders: the trade's own still-working entry and its protective stop (the cancel
 *  acknowledged: the shares it holds would block the sell), so the sell never competes with them */
export async function cancelOwnOrders(host: PositionHost): Promise<void> {
  const entryId = host.workingEntryId();
  if (entryId) await cancelOwnOpenOrders(host.deps.broker, [entryId]);
  await cancelStopBeforeSell(host);
}

/** submitting: the first sell (or the one a restore adopted), else the recorded attempt's sell */
export async function submitExitStep(host: PositionHost, ctx: PositionMachineContext): Promise<SubmitResult> {
  if (!ctx.recorded) return firstExit(host, ctx);
  return afterPost(host, await post(host, recordedExitId(host, ctx), ctx.sellQty === null ? undefined : new Decimal(ctx.sellQty)));
}

/** the first sell, then the 'exiting' record; the peak is written with it */
async function firstExit(host: PositionHost, ctx: PositionMachineContext): Promise<SubmitResult> {
  const { store, clock, emit } = host.deps;
  const decision = ctx.intent ?? { reason: 'manual' as const, price: 0, detail: 'exit' };
  const stem = exitClientOrderId(host.trade, ctx.attempt);
  const adopted = host.adopted;
  host.adopted = null;
  const coid = adoptedId(adopted, stem) ?? exitOrderId(stem, decision.reason);
  const peak = host.view.peakPrice;
  host.persistedPeak = peak;
  const record = () => store.saveStep(host.trade.id, { status: 'exiting', exitClientOrderId: coid, peakPrice: new Decimal(peak) }, {
    kind: 'state_transition', cause: 'position', message: `exit ${decision.reason}: ${decision.detail}`,
    data: { tradeId: host.trade.id, from: 'open', to: 'exiting', exitReason: decision.reason, price: decision.price, detail: decision.detail },
  }, clock.now());
  emit({ type: 'exit_decided', tradeId: host.trade.id, symbol: host.trade.symbol, reason: decision.reason, price: decision.price, detail: decision.detail });
  if (adopted) {
    host.trade = await record();
    await accepted(host, adopted);
    return { kind: 'accepted' };
  }
  if (host.trade.exitClientOrderId === null || exitStemOf(host.trade.exitClientOrderId) !== stem) {
    // the stem was not persisted at the open (a trade from before it was): write the id first
    host.trade = await record();
    return afterPost(host, await post(host, recordedExitId(host, ctx)));
  }
  // the stem was persisted when the position opened and the id carries the rule, so the POST goes
  // out first and the 'exiting' record follows (no database work competes with the order on its
  // way); a crash in between leaves an open trade whose sell the restore finds by its stem
  // (open.resuming), never a second, unrecorded sell, never a lost rule
  const result = await post(host, coid);
  try {
    host.trade = await record();
  } catch (error) {
    // the sell is out and its id is on the row: carry on (the fill still closes the trade)
    host.deps.failed(host.trade.id, 'exit record', error);
    host.trade = { ...host.trade, status: 'exiting' };
  }
  return afterPost(host, result);
}

/** the id of the attempt's sell once recorded ('exiting'): a re-send must reuse it exactly */
function recordedExitId(host: PositionHost, ctx: PositionMachineContext): string {
  const trade = host.trade;
  const stem = exitClientOrderId(trade, Math.max(1, ctx.attempt));
  const recorded = trade.exitClientOrderId;
  if (recorded && exitStemOf(recorded) === stem && (recorded !== stem || trade.status === 'exiting')) return recorded;
  return exitOrderId(stem, ctx.intent?.reason ?? 'manual');
}

/** the market sell of what is held (or of `qty`, a retry's plan) */
async function post(host: PositionHost, clientOrderId: string, qty?: Decimal): Promise<Posted> {
  const { broker, clock, resolve, route } = host.deps;
  const shares = qty ?? remainingShares(host.heldShares(), host.exitFills.sold());
  if (!shares.gt(0)) return { kind: 'nothing' };
  const request = exitOrderRequest(host.trade, shares, clientOrderId);
  route(host.trade.id, request.clientOrderId);
  return { ...(await submitExit(broker, clock, request, resolve)), qty: shares };
}

async function afterPost(host: PositionHost, result: Posted): Promise<SubmitResult> {
  if (result.kind === 'nothing') return result;
  if (result.kind === 'accepted') {
    await accepted(host, result.order);
    return { kind: 'accepted' };
  }
  return { kind: 'rejected', error: result.error, refusedQty: result.quantity ? result.qty.toFixed() : null };
}

async function accepted(host: PositionHost, order: Order): Promise<void> {
  const { store, clock, emit, route } = host.deps;
  route(host.trade.id, order.id);
  host.trade = await store.saveStep(host.trade.id, { exitOrderId: order.id, exitClientOrderId: order.clientOrderId }, {
    kind: 'order_submitted', cause: 'position', message: `exit sell ${order.qty?.toFixed() ?? ''} ${order.symbol} sent as ${order.clientOrderId}`,
    data: { tradeId: host.trade.id, orderId: order.id, clientOrderId: order.clientOrderId, qty: order.qty?.toFixed() ?? null },
  }, clock.now());
  emit({ type: 'exit_submitted', tradeId: host.trade.id, clientOrderId: order.clientOrderId });
  host.deliver(order, clock.now());
}

/**
 * retrying: re-read the broker's position and plan the next sell (a quantity refusal is never
 * answered with the same quantity); a sell's full id (rule included) is on the row before it goes out.
 */
export async function planRetryStep(host: PositionHost, ctx: PositionMachineContext): Promise<RetryResult> {
  const { store, clock, broker } = host.deps;
  const trade = host.trade;
  const sold = host.exitFills.sold();
  const shares = host.heldShares();
  const plan = await readRetryPlan(broker, trade.symbol, shares, sold, ctx.refused === null ? null : new Decimal(ctx.refused));
  if (plan.kind === 'unreadable') return { kind: 'unreadable', why: `the broker's position could not be read: ${plan.error}` };
  if (plan.kind === 'flat') return plan;
  if (plan.kind === 'refused_again') return { kind: 'refused_again', qty: plan.qty.toFixed() };
  const coid = exitOrderId(exitClientOrderId(trade, ctx.attempt), ctx.intent?.reason ?? 'manual');
  const corrected = !plan.shares.eq(shares);
  host.trade = await store.saveStep(trade.id, { exitClientOrderId: coid, ...(corrected ? { shares: plan.shares } : {}) }, corrected ? {
    kind: 'reconciliation_correction', cause: 'position',
    message: `${trade.symbol}: the exit found ${plan.held.toFixed()} share(s) at the broker (Keel had ${shares.minus(sold).toFixed()} left to sell); selling ${plan.qty.toFixed()}`,
    data: { tradeId: trade.id, journalShares: shares.toFixed(), brokerHeld: plan.held.toFixed(), sold: sold.toFixed(), shares: plan.shares.toFixed(), why: ctx.why },
  } : null, clock.now());
  return { kind: 'sell', qty: plan.qty.toFixed() };
}

/** open.resuming: a sell sent before a crash, found by its stem; adopted (never re-sent) with its rule */
export async function findSentExitStep(host: PositionHost): Promise<TimedIntent | null> {
  const t = host.trade;
  if (!t.exitClientOrderId) return null;
  const sent = await sentExit(host.deps, t, t.exitClientOrderId);
  if (!sent) return null;
  host.adopted = sent.order;
  return { ...sent.intent, at: host.deps.clock.now() };
}

/** exiting.resuming: the exit's rule (journaled) and the fate of a sell whose outcome is unknown */
export async function resumeExitStep(host: PositionHost, ctx: PositionMachineContext): Promise<ResumeResult> {
  const { store, broker, clock, resolve } = host.deps;
  // the row carries no exit reason until it is closed (domain/trade.ts): the intent is journaled
  const intent = ctx.intent ? null : await journaledExit(store, host.trade.id);
  const t = host.trade;
  if (t.exitOrderId || !t.exitClientOrderId) return { intent, next: 'await' };
  const found = await resolveByClientOrderId(broker, clock, t.exitClientOrderId, resolve);
  if (!found) return { intent, next: 'send' };
  await accepted(host, found);
  return { intent, next: 'await' };
}

/** an adopted sell keeps its own id (it may predate ids carrying the rule) */
function adoptedId(adopted: Order | null, stem: string): string | null {
  return adopted && exitStemOf(adopted.clientOrderId) === stem ? adopted.clientOrderId : null;
}
