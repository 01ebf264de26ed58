/**
 * The effects bot.machine.ts names, made real for .provide(): `persist` writes bot_config.state
 * and a state_transition journal entry in ONE transaction; `reconcile` runs reconciliation once
 * (a start: fail fast, so the API can answer 409) or until it succeeds (restoring 'running' at boot).
 */
import { fromPromise } from 'xstate';
import { STATE_REASONS, type StateReason } from '../domain/bot-config.js';
import type { PersistInput, ReconcileInput } from '../machines/bot.machine.js';
import type { Clock } from '../ports/clock.port.js';
import { appendJournal, saveBotState, type Db } from './persistence.js';

export class ReconcileFailedError extends Error {
  constructor(message: string, readonly brokerFailure: boolean) { super(message); this.name = 'ReconcileFailedError'; }
}

export function persistEffect(db: Db, clock: Clock) {
  return fromPromise<void, PersistInput>(async ({ input }) => {
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const why = stateReasonOf(input.cause);
      await saveBotState(trx, input.to, now, why, why === 'manual' ? null : input.reason ?? null);
      const restored = input.restoring && input.to === 'running';
      await appendJournal(trx, {
        kind: 'state_transition', cause: input.cause,
        message: restored ? 'running restored after reconciliation' : `${input.from} → ${input.to}${input.reason ? `: ${input.reason}` : ''}`,
        data: { from: input.from, to: input.to, event: input.event, reason: input.reason, restoring: input.restoring },
      }, now);
    });
  });
}

/** a safety component acts with the cause `safety:<reason>` (src/service/safety-jobs.ts); anything else is the trader's */
export const SAFETY_CAUSE = 'safety:';
function stateReasonOf(cause: string): StateReason {
  const code = cause.startsWith(SAFETY_CAUSE) ? cause.slice(SAFETY_CAUSE.length) : '';
  return (STATE_REASONS as readonly string[]).includes(code) ? (code as StateReason) : 'manual';
}

export function reconcileEffect(once: (cause: string) => Promise<void>, untilSuccess: (cause: string, signal: AbortSignal) => Promise<void>) {
  return fromPromise<void, ReconcileInput>(async ({ input, signal }) => {
    if (input.restoring) await untilSuccess(input.cause, signal);
    else await once(input.cause);
  });
}
