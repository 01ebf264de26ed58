/**
 * Kill switch, step 2: cancel every open order at the broker and wait until the broker confirms
 * none of them is open any more.
 * Invariants: every per-order answer of the 207 is reported (a 207 hides failures); an order
 * counts as cancelled only once the broker's own open-order list no longer holds it (the DELETE
 * answer is a request accepted, not a cancel done); bracket legs count like their parents (the
 * list is read nested and flattened); whatever is still open at the deadline is reported by id.
 */
import { isTerminalStatus, type Order } from '../../domain/order.js';
import type { EpochMs } from '../../domain/time.js';
import type { BrokerPort } from '../../ports/broker.port.js';
import type { Clock } from '../../ports/clock.port.js';
import type { EmergencyStopReport } from '../pipeline/pipeline.types.js';
import { errorText } from '../../lib/error-text.js';
import { pollUntil } from './poll-until.js';

export type CancelPhase = Pick<EmergencyStopReport, 'cancelledOrders' | 'cancelled' | 'stillOpen' | 'problems'>;

export async function cancelAndAwait(broker: BrokerPort, clock: Clock, deadline: EpochMs): Promise<CancelPhase> {
  let answers: CancelPhase['cancelledOrders'];
  try {
    answers = (await broker.cancelAllOrders()).map((r) => ({ orderId: r.orderId, status: r.status, error: r.error?.message ?? null }));
  } catch (error) {
    // nothing was cancelled: whatever is open stays open, and the report names it
    const message = errorText(error);
    const open = await readOpenIds(broker).catch(() => null);
    return {
      cancelledOrders: [{ orderId: '*', status: 0, error: message }], cancelled: [], stillOpen: open ? [...open] : [],
      problems: [`cancelling the open orders failed: ${message}`, ...(open ? [] : ['the open orders could not be read'])],
    };
  }
  const targets = answers.map((a) => a.orderId);
  if (targets.length === 0) return { cancelledOrders: answers, cancelled: [], stillOpen: [], problems: [] };
  const polled = await pollUntil(clock, deadline, () => readOpenIds(broker), (open) => !targets.some((id) => open.has(id)));
  // never read successfully: nothing is confirmed
  const open = polled.value ?? new Set(targets);
  return {
    cancelledOrders: answers,
    cancelled: targets.filter((id) => !open.has(id)),
    stillOpen: targets.filter((id) => open.has(id)),
    problems: polled.error && !polled.met ? [`reading the open orders failed: ${polled.error}`] : [],
  };
}

async function readOpenIds(broker: BrokerPort): Promise<Set<string>> {
  const ids = new Set<string>();
  const add = (o: Order): void => {
    if (!isTerminalStatus(o.status)) ids.add(o.id);
    for (const leg of o.legs ?? []) add(leg);
  };
  for (const order of await broker.listAllOrders({ status: 'open', nested: true })) add(order);
  return ids;
}
