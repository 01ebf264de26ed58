/**
 * Signal ingestion: answer at once, decide in order, send after the decision.
 * Invariants:
 *  - the answer never waits for the broker (a read, a rate limit) nor for another signal's broker
 *    wait: when the decision can be made from what Keel holds it is the answer, otherwise the
 *    signal is stored as `received` first and that is the answer (decide-signal.ts);
 *  - a repeated id gets the stored answer and never a second order;
 *  - the emergency flag is read before anything else;
 *  - rating failures → skipped; a live trade on the symbol → skipped_duplicate (no trade row);
 *    signal_only → logged with its verdicts; semi_auto → pending (denied → skipped);
 *    full_auto → fired: signal + trade (pending_entry) + journal in ONE transaction, then the POST.
 */
import type { SignalAnswer, SignalInput, SignalStatus } from '../../domain/signal.js';
import { evaluateSignal } from './evaluate-signal.js';
import type { PipelineRuntime } from './pipeline-runtime.js';
import { getSignal } from '../../adapters/postgres/index.js';
import type { SignalEvaluation } from './pipeline.types.js';
import { queueDecision } from './decide-signal.js';
import { answerOf, baseRecord, EMERGENCY_DENIAL, statusFor, store } from './signal-record.js';
import { randomUUID } from 'node:crypto';

export async function ingestSignal(rt: PipelineRuntime, input: SignalInput): Promise<SignalAnswer> {
  const { deps } = rt;
  const signal: SignalInput = { ...input, id: input.id ?? (deps.newId ?? randomUUID)() };
  const now = deps.clock.now();
  if (rt.emergency) {
    const stored = input.id !== null ? await getSignal(deps.db, input.id) : null;
    if (stored) return answerOf(stored);
    const config = await deps.control.getConfig();
    return store(rt, baseRecord(signal, now, now, config.executionMode, null), { status: 'skipped', denial: EMERGENCY_DENIAL });
  }
  return queueDecision(rt, signal, now, input.id !== null);
}

/** the what-if: the same evaluation as intake (every check's verdict, even for a duplicate), nothing stored or sent */
export async function whatIf(rt: PipelineRuntime, input: SignalInput): Promise<SignalEvaluation> {
  const signal: SignalInput = { ...input, id: input.id ?? 'what-if' };
  const ev = rt.emergency
    ? null
    : await evaluateSignal(rt.deps, rt.account, signal, { whatIf: true });
  if (!ev) {
    const config = await rt.deps.control.getConfig();
    return { symbol: input.symbol, executionMode: config.executionMode, stars: null, outcome: 'would_skip', denial: EMERGENCY_DENIAL, verdicts: [], size: null };
  }
  const outcomes: Record<SignalStatus, SignalEvaluation['outcome']> = {
    fired: 'would_fire', pending: 'would_wait_for_approval', logged: 'would_log_only', skipped: 'would_skip',
    skipped_duplicate: 'would_skip_duplicate', approved: 'would_fire', rejected: 'would_skip', expired: 'would_skip',
    received: 'would_skip', // never a decision's status
  };
  return {
    symbol: input.symbol, executionMode: ev.config.executionMode, stars: ev.stars, outcome: outcomes[statusFor(ev)],
    denial: ev.denial, verdicts: ev.verdicts, size: ev.size,
  };
}
