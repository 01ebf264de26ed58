/**
 * The kill switch (POST /api/bot/emergency-stop): halt → cancel every open order and await the
 * broker's acknowledgements → optionally flatten (outside market hours: queued for the open) →
 * poll the broker until Keel is flat, or report what is left. Steps live beside it in this folder.
 * Invariants:
 *  - nothing can race it: the in-process emergency flag (read first by every entry path) is set
 *    synchronously before the first await, then the halt is persisted (the latch), then every entry
 *    already committed and its POST settle (rt.entriesSettled()) BEFORE the cancel, so an entry sent
 *    a moment earlier is cancelled with the rest. A signal whose decision still waits for a broker
 *    read is not waited for: it cannot commit once the stop began (commitEntry), and its checks run
 *    after the read, against the latched halt;
 *  - the bot stays halted: only acknowledge-halt (→ stopped) and start leave it; halted keeps the
 *    position supervisor running, so kill_switch exits fill and close their trades. While a flatten
 *    is queued for the open the control refuses start and resume (FLATTEN_QUEUED,
 *    flatten-queue.ts): the flatten exits every Keel position, so none may be opened
 *    before it ran or the trader withdrew it (DELETE /api/bot/flatten-queue). With closePositions the
 *    flatten is marked pending right after the halt, so that also holds while the kill switch runs
 *    (a trader acknowledging mid-way); carried out now, the mark is cleared; failed, it stays;
 *  - positions Keel does not own are reported ('external'), never closed;
 *  - every step is journaled (kind 'warning', subject 'emergency-stop'); waits are bounded by
 *    emergencyCloseWaitMs on the injected Clock; the report says exactly what was cancelled,
 *    closed and left, and every problem on the way.
 */
import type { EmergencyStopReport } from '../pipeline/pipeline.types.js';
import { queueFlatten } from './flatten-queue.js';
import type { PipelineRuntime } from '../pipeline/pipeline-runtime.js';
import { KILL_SWITCH_HALT } from '../lifecycle/lifecycle-effects.js';
import { cancelAndAwait, type CancelPhase } from './cancel-orders.js';
import { flattenOrQueue, positionsNow, type FlattenPart } from './flatten.js';
import { journalStep, waitBudgetMs } from './kill-switch-journal.js';
import { errorText } from '../../lib/error-text.js';

export async function emergencyStop(rt: PipelineRuntime, opts: { closePositions: boolean }, cause: string): Promise<EmergencyStopReport> {
  rt.emergency = true;
  rt.stops++;
  rt.emit({ type: 'emergency_stop', phase: 'started' });
  const { deps } = rt;
  try {
    const problems = await latchHalt(rt, cause);
    // a flatten asked for is marked pending at once (cleared when it is carried out now): from here
    // on the control refuses start and resume, so acknowledging the halt while the kill switch still
    // runs cannot let a position open that the flatten would then close
    if (opts.closePositions) await markFlattenPending(rt, problems);
    await journalStep(deps, cause, `emergency stop: halted, refusing new entries${opts.closePositions ? ', closing every position' : ''}`, { closePositions: opts.closePositions, problems });
    await rt.entriesSettled();
    const cancel = await cancelPhase(rt);
    await journalStep(deps, cause, `emergency stop: ${cancel.cancelled.length} order(s) cancelled, ${cancel.stillOpen.length} still open`, { ...cancel });
    const flat = opts.closePositions ? await flattenOrQueue(rt, cause) : await notRequested(rt);
    const state = (await deps.control.status()).state;
    const report: EmergencyStopReport = {
      cancelledOrders: cancel.cancelledOrders, cancelled: cancel.cancelled, stillOpen: cancel.stillOpen,
      closed: flat.closed, closing: flat.closing, failed: flat.failed, flatten: flat.flatten, left: flat.left,
      state, problems: [...problems, ...cancel.problems, ...flat.problems],
    };
    await journalStep(deps, cause, `emergency stop finished: bot ${state}, flatten ${report.flatten}, ${report.left.length} position(s) left`, { ...report });
    return report;
  } finally {
    rt.emergency = false;
    rt.emit({ type: 'emergency_stop', phase: 'finished' });
  }
}

async function markFlattenPending(rt: PipelineRuntime, problems: string[]): Promise<void> {
  try {
    await queueFlatten(rt.deps.db, rt.deps.clock.now());
  } catch (error) {
    problems.push(`the pending flatten could not be recorded: ${errorText(error)}`);
  }
}

/** the persisted latch; an already halted bot stays halted. Problems are reported, not thrown. */
async function latchHalt(rt: PipelineRuntime, cause: string): Promise<string[]> {
  try {
    const result = await rt.deps.control.halt(KILL_SWITCH_HALT, cause);
    if (result.ok || (await rt.deps.control.status()).state === 'halted') return [];
    return [`the halt was refused: ${result.error.message}`];
  } catch (error) {
    return [`the halt could not be persisted: ${errorText(error)}`];
  }
}

async function cancelPhase(rt: PipelineRuntime): Promise<CancelPhase> {
  const broker = rt.deps.broker();
  if (!broker) return { cancelledOrders: [], cancelled: [], stillOpen: [], problems: ['no broker for the current mode: no order could be cancelled'] };
  return cancelAndAwait(broker, rt.deps.clock, rt.deps.clock.now() + waitBudgetMs(rt.deps));
}

async function notRequested(rt: PipelineRuntime): Promise<FlattenPart> {
  const broker = rt.deps.broker();
  const problems: string[] = [];
  const left = broker ? await positionsNow(rt, broker, problems) : [];
  return { flatten: 'not_requested', closed: [], closing: [], failed: [], left, problems };
}
