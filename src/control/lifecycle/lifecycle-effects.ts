/**
 * The effects bot.machine.ts names, made real for .provide(): `persist` writes bot_config.state
 * (with why and since when) and a state_transition journal entry in ONE transaction; `reconcile`
 * runs reconciliation once (a start: fail fast, so the API can answer 409) or until it succeeds
 * (restoring 'running' at boot); `switchMode` builds the new mode's broker, then writes the mode
 * and a mode_changed journal entry in one transaction — or, if that write fails, puts the old
 * mode's broker back, so the broker in use never differs from the mode bot_config holds.
 * A resume, and a start (not a restart restoring 'running'), also starts the win-rate guard's
 * fresh window in that transaction: only trades closed after it count, so the losers that paused
 * the bot cannot pause it again, nor deny every entry after a stop and start; a restart keeps the
 * window, since it is persisted.
 */
import { fromPromise } from 'xstate';
import { STATE_REASONS, type StateReason } from '../../domain/bot-config.js';
import type { TradingModeName } from '../../domain/bot-config.js';
import { ModeUnavailableError, type PersistInput, type ReconcileInput, type SwitchModeInput } from '../../machines/bot.machine.js';
import type { Clock } from '../../ports/clock.port.js';
import { appendJournal, saveBotMode, saveBotState, type Db } from '../../adapters/postgres/index.js';

export function persistEffect(db: Db, clock: Clock) {
  return fromPromise<void, PersistInput>(async ({ input }) => {
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const why = stateReasonOf(input);
      const freshWindow = input.event === 'RESUME' || (input.event === 'START' && !input.restoring);
      await saveBotState(trx, input.to, now, why, detailOf(why, input), freshWindow);
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
/** the halt reason of the kill switch (POST /api/bot/emergency-stop), whose cause names who pressed it */
export const KILL_SWITCH_HALT = 'kill_switch';

function stateReasonOf(input: PersistInput): StateReason {
  const code = input.cause.startsWith(SAFETY_CAUSE) ? input.cause.slice(SAFETY_CAUSE.length) : '';
  if ((STATE_REASONS as readonly string[]).includes(code)) return code as StateReason;
  if (input.event === 'HALT' && input.reason === KILL_SWITCH_HALT) return 'kill_switch';
  // a 'running' the bot had before a restart, earned again through reconciliation
  if (input.restoring && input.to === 'running') return 'startup';
  return 'manual';
}

/** the why in words: the safety layer's own, who pressed the kill switch; none for the trader's own action */
function detailOf(why: StateReason, input: PersistInput): string | null {
  if (why === 'manual') return null;
  if (why === 'kill_switch' && !input.cause.startsWith(SAFETY_CAUSE)) return `kill switch (${input.cause})`;
  if (why === 'startup') return 'running restored after reconciliation at boot';
  return input.reason ?? null;
}

export function reconcileEffect(once: (cause: string) => Promise<void>, untilSuccess: (cause: string, signal: AbortSignal) => Promise<void>) {
  return fromPromise<void, ReconcileInput>(async ({ input, signal }) => {
    if (input.restoring) await untilSuccess(input.cause, signal);
    else await once(input.cause);
  });
}

/** `switchBroker` builds the adapters for a mode: false when that mode has no credentials */
export function switchModeEffect(db: Db, clock: Clock, switchBroker: (mode: TradingModeName) => boolean | Promise<boolean>) {
  return fromPromise<void, SwitchModeInput>(async ({ input }) => {
    if (!(await switchBroker(input.to))) throw new ModeUnavailableError(`no Alpaca credentials are configured for ${input.to} trading`);
    const now = clock.now();
    try {
      await db.transaction().execute(async (trx) => {
        await saveBotMode(trx, input.to, now);
        await appendJournal(trx, { kind: 'mode_changed', cause: input.cause, message: `mode ${input.from} → ${input.to}`, data: { from: input.from, to: input.to } }, now);
      });
    } catch (error) {
      // the old mode's broker was working a moment ago; if it cannot be rebuilt the error below still stands
      await Promise.resolve(switchBroker(input.from)).catch(() => false);
      throw error;
    }
  });
}
