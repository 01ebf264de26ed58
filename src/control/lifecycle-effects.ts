/**
 * The effects bot.machine.ts names, made real for .provide(): `persist` writes bot_config.state
 * and a state_transition journal entry in ONE transaction; `reconcile` runs reconciliation once
 * (a start: fail fast, so the API can answer 409) or until it succeeds (restoring 'running' at boot).
 */
import { fromPromise } from 'xstate';
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
      await saveBotState(trx, input.to, now);
      const restored = input.restoring && input.to === 'running';
      await appendJournal(trx, {
        kind: 'state_transition', cause: input.cause,
        message: restored ? 'running restored after reconciliation' : `${input.from} → ${input.to}${input.reason ? `: ${input.reason}` : ''}`,
        data: { from: input.from, to: input.to, event: input.event, reason: input.reason, restoring: input.restoring },
      }, now);
    });
  });
}

export function reconcileEffect(once: (cause: string) => Promise<void>, untilSuccess: (cause: string, signal: AbortSignal) => Promise<void>) {
  return fromPromise<void, ReconcileInput>(async ({ input, signal }) => {
    if (input.restoring) await untilSuccess(input.cause, signal);
    else await once(input.cause);
  });
}
