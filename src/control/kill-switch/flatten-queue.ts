/**
 * The kill switch's queued flatten (bot_config.flatten_queued_at): every read and write of the mark
 * goes through this module. The emergency stop marks it (pending while it runs, queued for the open
 * when the market is closed), flatten.ts carries it out (now, or runQueuedFlatten at the session
 * open) and clears it, and the bot control refuses start/resume while it is set or withdraws it.
 * Invariants:
 *  - while a flatten is queued, start and resume are refused (FLATTEN_QUEUED): at the open it exits
 *    EVERY Keel position, positions opened after a restart included. acknowledge-halt stays allowed
 *    (halted → stopped opens nothing);
 *  - a cancel clears the queue and journals who (the cause) and why (the caller's reason) in ONE
 *    transaction; of two concurrent cancels exactly one answers what it cancelled, the other
 *    NOT_FOUND (404); the positions stay open (the trader decides what to do with them);
 *  - a cancel cannot recall exits the session-open job already sent: it withdraws only a flatten
 *    that has not started.
 */
import type { BotState } from '../../domain/bot-config.js';
import { toEtIso } from '../../domain/market-time.js';
import type { EpochMs } from '../../domain/time.js';
import type { BotAction, ControlResult } from '../lifecycle/bot-control.types.js';
import { refuse } from '../lifecycle/control-results.js';
import { appendJournal, getFlattenQueue, takeFlattenQueue, type DbOrTrx } from '../../adapters/postgres/index.js';

/** the mark itself: set (keeps the first time), cleared once carried out, read (null = none queued) */
export { clearFlattenQueue, getFlattenQueue, queueFlatten } from '../../adapters/postgres/index.js';

/** the kill switch's journal subject (its steps, kill-switch-journal.ts, and a cancel here): one query tells the whole story */
export const KILL_SWITCH_SUBJECT = 'emergency-stop';

/** the actions that would put the bot back to trading before the queued flatten ran */
export const BLOCKED_BY_QUEUED_FLATTEN: ReadonlySet<BotAction> = new Set<BotAction>(['start', 'resume']);

export const CANCEL_ROUTE = 'DELETE /api/bot/flatten-queue';

/**
 * a start/resume (one the state allows) while a flatten is queued: refused with when it runs and
 * how to cancel it, journaled as transition_refused; null when none is queued (go on)
 */
export async function refuseWhileFlattenQueued<T>(
  db: DbOrTrx, now: EpochMs, action: BotAction, cause: string, state: BotState, allowedByState: BotAction[],
): Promise<ControlResult<T> | null> {
  const queuedAt = await getFlattenQueue(db);
  if (queuedAt === null) return null;
  const allowed = allowedByState.filter((a) => !BLOCKED_BY_QUEUED_FLATTEN.has(a));
  await appendJournal(db, {
    kind: 'transition_refused', cause, message: `${action} refused in ${state}: a flatten is queued`, data: { state, allowed, flattenQueuedAt: queuedAt },
  }, now);
  return refuse<T>('FLATTEN_QUEUED',
    `cannot ${action}: the kill switch queued a flatten at ${toEtIso(queuedAt)} that exits EVERY Keel position at the next ` +
    `session open (09:30 ET), positions opened after a ${action} included; let it run, or cancel it with ${CANCEL_ROUTE}`,
    { state, allowed, flattenQueuedAt: queuedAt });
}

export function nothingQueued<T>(): ControlResult<T> {
  return {
    ok: false,
    error: { code: 'NOT_FOUND', httpStatus: 404, message: 'no flatten is queued: nothing to cancel', details: { flattenQueuedAt: null } },
  };
}

/** clears the queue and journals it (pass a transaction); null when nothing was queued (nothing journaled) */
export async function cancelFlatten(trx: DbOrTrx, now: EpochMs, cause: string, reason: string | null): Promise<EpochMs | null> {
  const queuedAt = await takeFlattenQueue(trx);
  if (queuedAt === null) return null;
  await appendJournal(trx, {
    kind: 'warning', cause, subject: KILL_SWITCH_SUBJECT,
    message: `queued flatten cancelled (queued ${toEtIso(queuedAt)})${reason ? `: ${reason}` : ''}; positions stay open`,
    data: { queuedAt, cancelledAt: now, reason },
  }, now);
  return queuedAt;
}
