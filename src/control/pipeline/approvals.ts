/**
 * semi_auto: approve, reject, and the expiry sweep.
 * Invariants: only a pending signal changes (compare-and-set on status 'pending', so an approval
 * racing the sweep or a second approval changes nothing twice); approval re-runs every check on
 * a fresh price before it fires; a pending signal past expiresAt is expired, never approved; the
 * sweep runs on the injected Clock and stops on shutdown.
 */
import type { EntryChoice } from '../../core/sizing/bracket-entry.js';
import type { CheckVerdict, Denial } from '../../domain/denial.js';
import type { SignalAnswer, SignalRecord, SizeDecision } from '../../domain/signal.js';
import type { ControlResult } from '../lifecycle/bot-control.types.js';
import { persistEntry, planTrade } from './entry-executor.js';
import { evaluateAfterBrokerRead, evaluateSignal, needsBroker } from './evaluate-signal.js';
import type { PipelineRuntime } from './pipeline-runtime.js';
import { earliestPendingExpiry, getSignal, listExpiredPendingSignals, updateSignal } from '../../adapters/postgres/index.js';
import { answerOf, EMERGENCY_DENIAL, journalSignal } from './signal-record.js';

class NoLongerPending extends Error {}

export function approveSignal(rt: PipelineRuntime, id: string, cause: string): Promise<ControlResult<SignalAnswer>> {
  return rt.exclusive(async () => {
    const found = await pendingOrRefusal(rt, id);
    if (!found.ok) return found;
    const record = found.value;
    if (rt.emergency) return decide(rt, record, { status: 'rejected', denial: EMERGENCY_DENIAL, note: EMERGENCY_DENIAL.message }, cause);
    const stops = rt.stops;
    let ev = await evaluateSignal(rt.deps, rt.account, record.input, { facts: { broker: 'ask' } });
    // signals queued behind this approval are answered while it waits for the broker
    if (needsBroker(ev)) ev = await evaluateAfterBrokerRead(rt, record.input, ev.needs);
    if (ev.denial || !ev.size) {
      const denial: Denial = ev.denial ?? { code: 'SIZE_NOT_POSITIVE', message: 'no size', context: {} };
      return decide(rt, record, { status: 'rejected', denial, verdicts: ev.verdicts, note: `denied at approval: ${denial.message}` }, cause);
    }
    const size = ev.size;
    const verdicts = ev.verdicts;
    const choice = planTrade(record.input, ev.config, size.notional);
    const committing = rt.commitEntry(stops, () => fireApproved(rt, record, size, verdicts, cause, choice));
    return committing ?? decide(rt, record, { status: 'rejected', denial: EMERGENCY_DENIAL, note: EMERGENCY_DENIAL.message }, cause);
  });
}

async function fireApproved(rt: PipelineRuntime, record: SignalRecord, size: SizeDecision, verdicts: CheckVerdict[], cause: string, choice: EntryChoice): Promise<ControlResult<SignalAnswer>> {
  const id = record.id;
  const now = rt.deps.clock.now();
  try {
    const result = await rt.deps.db.transaction().execute(async (trx) => {
      const trade = await persistEntry(trx, { ...record, size }, cause, now, choice);
      const approved = await updateSignal(trx, id, { status: 'approved', tradeId: trade.id, verdicts, size, denial: null, decidedAt: now }, 'pending');
      if (!approved) throw new NoLongerPending();
      await journalSignal(trx, approved, now, cause);
      return { approved, trade };
    });
    rt.submitInBackground(result.trade, cause, record.receivedAt);
    rt.emit({ type: 'signal', signalId: id, outcome: 'approved', tradeId: result.trade.id });
    return { ok: true, value: answerOf(result.approved) };
  } catch (error) {
    if (error instanceof NoLongerPending) return notPending(id, 'changed while approving');
    throw error;
  }
}

export function rejectSignal(rt: PipelineRuntime, id: string, note: string | null, cause: string): Promise<ControlResult<SignalAnswer>> {
  return rt.exclusive(async () => {
    const found = await pendingOrRefusal(rt, id);
    if (!found.ok) return found;
    return decide(rt, found.value, { status: 'rejected', note }, cause);
  });
}

/** one pass: every pending signal past its expiresAt becomes expired */
export function expirePending(rt: PipelineRuntime): Promise<number> {
  return rt.exclusive(async () => {
    const now = rt.deps.clock.now();
    let expired = 0;
    for (const s of await listExpiredPendingSignals(rt.deps.db, now)) {
      if ((await decide(rt, s, { status: 'expired', note: 'approval window passed' }, 'expiry')).ok) expired++;
    }
    return expired;
  });
}

/**
 * the sweep loop: runs until `signal` aborts. The next wait is registered BEFORE a pass runs, so
 * time that moves while a pass is busy (a ManualClock advanced twice) still wakes the next pass.
 * A pass reads the database only when a pending signal may have expired (rt.nextExpiryAt), and
 * while none is pending the loop waits for one instead of a timer: an idle bot (or a full_auto
 * one) costs neither a statement nor a wake-up a second. A failed pass looks again next time.
 */
export async function runExpirySweep(rt: PipelineRuntime, signal: AbortSignal): Promise<void> {
  const every = rt.deps.expirySweepMs ?? 1_000;
  // nothing pending (as far as this process knows): no timer at all until a signal becomes pending
  const nextWait = () => (rt.nextExpiryAt === Infinity ? rt.untilPending(signal) : rt.deps.clock.sleep(every, signal));
  let wake = nextWait();
  while (!signal.aborted) {
    try {
      await wake;
    } catch {
      return; // aborted
    }
    wake = nextWait();
    wake.catch(() => undefined); // an abort while a pass runs is not an unhandled rejection
    if (rt.nextExpiryAt > rt.deps.clock.now()) continue;
    try {
      rt.nextExpiryAt = Infinity;
      await expirePending(rt);
      const earliest = await earliestPendingExpiry(rt.deps.db);
      // an intake during the pass may have lowered it already: keep the lower
      rt.nextExpiryAt = Math.min(rt.nextExpiryAt, earliest ?? Infinity);
    } catch (error) {
      rt.nextExpiryAt = -Infinity;
      rt.deps.warn?.('signal expiry sweep failed', error);
    }
  }
}

async function pendingOrRefusal(rt: PipelineRuntime, id: string): Promise<ControlResult<SignalRecord>> {
  const record = await getSignal(rt.deps.db, id);
  if (!record) return { ok: false, error: { code: 'NOT_FOUND', message: `no signal ${id}`, httpStatus: 404 } };
  if (record.status !== 'pending') return notPending(id, record.status);
  if (record.expiresAt !== null && record.expiresAt <= rt.deps.clock.now()) {
    await decide(rt, record, { status: 'expired', note: 'approval window passed' }, 'expiry');
    return notPending(id, 'expired');
  }
  return { ok: true, value: record };
}

const notPending = (id: string, status: string): ControlResult<never> => ({
  ok: false, error: { code: 'SIGNAL_NOT_PENDING', message: `signal ${id} is not pending (${status})`, httpStatus: 409, details: { status } },
});

async function decide(rt: PipelineRuntime, record: SignalRecord, patch: Partial<SignalRecord>, cause: string): Promise<ControlResult<SignalAnswer>> {
  const now = rt.deps.clock.now();
  const updated = await rt.deps.db.transaction().execute(async (trx) => {
    const next = await updateSignal(trx, record.id, { ...patch, decidedAt: now }, 'pending');
    if (next) await journalSignal(trx, next, now, cause);
    return next;
  });
  if (!updated) return notPending(record.id, 'changed concurrently');
  rt.emit(updated.status === 'expired' ? { type: 'expired', signalId: updated.id } : { type: 'signal', signalId: updated.id, outcome: updated.status, tradeId: null });
  return { ok: true, value: answerOf(updated) };
}
