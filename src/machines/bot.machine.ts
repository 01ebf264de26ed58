/**
 * The bot's lifecycle statechart. Machines only declare (docs/design.md §5): the three
 * effects — `reconcile`, `persist` and `switchMode` — are named actors supplied with .provide();
 * the defaults here fail loudly so a machine nobody wired cannot pretend to work.
 * The context holds data only (it survives JSON.stringify and structuredClone) and is the truth
 * the control facade reads: whether the broker's account is reconciled, why the last start failed,
 * why the last mode switch failed.
 * Invariants:
 *  - stopped → running only through `starting`, i.e. only after reconciliation succeeded;
 *    a failed reconciliation lands back in stopped with the reason in `lastError` and
 *    `lastStartFailure`, and `reconciled` false.
 *  - `reconciled` follows the latest reconciliation: the start's own (onDone / onError), and the
 *    ones run beside the machine (boot, the health job, after a mode switch) reported as
 *    RECONCILED / RECONCILE_FAILED, which change nothing else in any state.
 *  - the mode changes (SWITCH_MODE) only in stopped, through `switchingMode`, which no other
 *    event interrupts; afterwards the new account is not reconciled yet.
 *  - a state is entered only after `persist` succeeded (the `committing` step); if persisting
 *    fails the machine returns to where it came from, so memory never runs ahead of the database.
 *  - halted is left only by ACKNOWLEDGE_HALT (→ stopped); then START again.
 *  - a restored 'running' goes through `starting` (restoring: true) — never straight to running.
 *  - every invoke has an onError.
 */
import { assign, fromPromise, setup, type SnapshotFrom } from 'xstate';
import type { BotState, TradingModeName } from '../domain/bot-config.js';
import { errorText } from '../lib/error-text.js';

export type BotEvent =
  | { type: 'START'; cause: string }
  /** `reason`: why, when the safety layer pauses (persisted as the state's detail, like HALT's) */
  | { type: 'PAUSE'; cause: string; reason?: string }
  | { type: 'RESUME'; cause: string }
  | { type: 'STOP'; cause: string }
  | { type: 'HALT'; cause: string; reason: string }
  | { type: 'ACKNOWLEDGE_HALT'; cause: string }
  /** paper ↔ live; the facade checked the request (confirmation, no live trade) before sending it */
  | { type: 'SWITCH_MODE'; cause: string; from: TradingModeName; to: TradingModeName }
  /** a reconciliation run beside the machine (boot, the health job, after a mode switch) succeeded */
  | { type: 'RECONCILED'; cause: string }
  /** ... or failed: the account is not known to be reconciled any more */
  | { type: 'RECONCILE_FAILED'; cause: string };

export interface ReconcileInput {
  /** true when restoring a persisted 'running' at boot: the effect keeps retrying instead of failing */
  restoring: boolean;
  cause: string;
}

export interface PersistInput {
  from: BotState;
  to: BotState;
  event: BotEvent['type'];
  cause: string;
  reason: string | null;
  restoring: boolean;
}

export interface SwitchModeInput {
  from: TradingModeName;
  to: TradingModeName;
  cause: string;
}

/** what the `reconcile` effect throws when the run itself failed (not an abort) */
export class ReconcileFailedError extends Error {
  /** brokerFailure: the broker could not be reached (or has no adapter), as opposed to Keel's own failure */
  constructor(message: string, readonly brokerFailure: boolean) { super(message); this.name = 'ReconcileFailedError'; }
}

/** what the `switchMode` effect throws when the mode has no broker (no credentials): nothing changed */
export class ModeUnavailableError extends Error {
  constructor(message: string) { super(message); this.name = 'ModeUnavailableError'; }
}

interface PendingCommit extends PersistInput {
  /** where to go back to if persisting fails */
  revertTo: 'stopped' | 'running' | 'paused' | 'halted';
}

export interface BotMachineContext {
  /** the state bot_config held at boot */
  restored: BotState;
  pending: PendingCommit | null;
  restoring: boolean;
  cause: string;
  lastError: string | null;
  /** the broker's account was reconciled by the latest run (false after a mode switch until one succeeds) */
  reconciled: boolean;
  /** why the last START's reconciliation failed; cleared by the next START */
  lastStartFailure: { message: string; brokerFailure: boolean } | null;
  /** why the last SWITCH_MODE failed; cleared by the next one. unavailable: the mode has no broker (no credentials) */
  lastSwitchFailure: { message: string; unavailable: boolean } | null;
}

export interface BotMachineInput {
  /** the state persisted in bot_config */
  restored: BotState;
}

export const botMachine = setup({
  types: {
    context: {} as BotMachineContext,
    events: {} as BotEvent,
    input: {} as BotMachineInput,
  },
  actors: {
    reconcile: fromPromise<void, ReconcileInput>(async () => { throw new Error('reconcile effect not provided'); }),
    persist: fromPromise<void, PersistInput>(async () => { throw new Error('persist effect not provided'); }),
    switchMode: fromPromise<void, SwitchModeInput>(async () => { throw new Error('switchMode effect not provided'); }),
  },
  guards: {
    restoredIs: ({ context }, params: { state: BotState }) => context.restored === params.state,
    pendingTo: ({ context }, params: { state: BotState }) => context.pending?.to === params.state,
    revertTo: ({ context }, params: { state: BotState }) => context.pending?.revertTo === params.state,
  },
  actions: {
    clearError: assign({ lastError: null }),
    rememberCause: assign({ cause: ({ event }) => event.cause }),
    finishRestoring: assign({ restoring: false }),
    /** records the transition to persist; on a persist failure the machine reverts to `revertTo` */
    commit: assign(({ context, event }, params: { to: BotState; revertTo: PendingCommit['revertTo']; from?: BotState }) => ({
      pending: {
        from: params.from ?? (context.restoring ? 'running' : params.revertTo), to: params.to, revertTo: params.revertTo, event: event.type, cause: event.cause,
        reason: event.type === 'HALT' || event.type === 'PAUSE' ? event.reason ?? null : null, restoring: context.restoring,
      } satisfies PendingCommit,
    })),
    /** a start earned by reconciliation: write running (a restored running is written as running → running) */
    commitStart: assign({
      pending: ({ context }): PendingCommit => ({
        from: context.restoring ? 'running' : 'stopped', to: 'running', revertTo: 'stopped', event: 'START',
        cause: context.cause, reason: null, restoring: context.restoring,
      }),
    }),
    clearPending: assign({ pending: null }),
    recordPersistError: assign({ lastError: ({ event }) => `could not persist the transition: ${errorText((event as { error?: unknown }).error)}` }),
    markReconciled: assign({ reconciled: true }),
    markUnreconciled: assign({ reconciled: false }),
    clearStartFailure: assign({ lastStartFailure: null }),
    recordStartFailure: assign(({ event }) => {
      const error = (event as { error?: unknown }).error;
      return {
        reconciled: false, lastError: errorText(error),
        lastStartFailure: { message: errorText(error), brokerFailure: error instanceof ReconcileFailedError && error.brokerFailure },
      };
    }),
    clearSwitchFailure: assign({ lastSwitchFailure: null }),
    recordSwitchFailure: assign(({ event }) => {
      const error = (event as { error?: unknown }).error;
      return { lastError: `could not switch the mode: ${errorText(error)}`, lastSwitchFailure: { message: errorText(error), unavailable: error instanceof ModeUnavailableError } };
    }),
  },
}).createMachine({
  id: 'bot',
  context: ({ input }) => ({
    restored: input.restored, pending: null, restoring: input.restored === 'running', cause: 'startup', lastError: null,
    reconciled: false, lastStartFailure: null, lastSwitchFailure: null,
  }),
  initial: 'restoring',
  // targetless: a reconciliation's outcome is recorded in every state without leaving it
  on: {
    RECONCILED: { actions: 'markReconciled' },
    RECONCILE_FAILED: { actions: 'markUnreconciled' },
  },
  states: {
    /** transient: enter the persisted state; 'running' must earn its way back through reconciliation */
    restoring: {
      always: [
        { guard: { type: 'restoredIs', params: { state: 'running' } }, target: 'starting' },
        { guard: { type: 'restoredIs', params: { state: 'paused' } }, target: 'paused' },
        { guard: { type: 'restoredIs', params: { state: 'halted' } }, target: 'halted' },
        { target: 'stopped' },
      ],
    },
    stopped: {
      on: {
        START: { target: 'starting', actions: ['clearError', 'clearStartFailure', 'rememberCause'] },
        HALT: { target: 'committing', actions: ['clearError', { type: 'commit', params: { to: 'halted', revertTo: 'stopped' } }] },
        SWITCH_MODE: { target: 'switchingMode', actions: ['clearError', 'clearSwitchFailure'] },
      },
    },
    /** builds the new mode's broker and persists the mode (bot_config + journal); nothing interrupts it */
    switchingMode: {
      invoke: {
        id: 'switchMode',
        src: 'switchMode',
        input: ({ event }) => {
          const { from, to, cause } = event as Extract<BotEvent, { type: 'SWITCH_MODE' }>;
          return { from, to, cause };
        },
        // the new account is not reconciled yet, whatever the old one was
        onDone: { target: 'stopped', actions: 'markUnreconciled' },
        onError: { target: 'stopped', actions: 'recordSwitchFailure' },
      },
    },
    starting: {
      invoke: {
        id: 'reconcile',
        src: 'reconcile',
        input: ({ context }) => ({ restoring: context.restoring, cause: context.cause }),
        onDone: { target: 'committing', actions: ['markReconciled', 'commitStart'] },
        onError: { target: 'stopped', actions: ['recordStartFailure', 'finishRestoring'] },
      },
      on: {
        STOP: { target: 'committing', actions: [{ type: 'commit', params: { to: 'stopped', revertTo: 'stopped' } }] },
        HALT: { target: 'committing', actions: [{ type: 'commit', params: { to: 'halted', revertTo: 'stopped' } }] },
      },
    },
    running: {
      on: {
        PAUSE: { target: 'committing', actions: ['clearError', { type: 'commit', params: { to: 'paused', revertTo: 'running' } }] },
        STOP: { target: 'committing', actions: ['clearError', { type: 'commit', params: { to: 'stopped', revertTo: 'running' } }] },
        HALT: { target: 'committing', actions: ['clearError', { type: 'commit', params: { to: 'halted', revertTo: 'running' } }] },
      },
    },
    paused: {
      on: {
        RESUME: { target: 'committing', actions: ['clearError', { type: 'commit', params: { to: 'running', revertTo: 'paused' } }] },
        STOP: { target: 'committing', actions: ['clearError', { type: 'commit', params: { to: 'stopped', revertTo: 'paused' } }] },
        HALT: { target: 'committing', actions: ['clearError', { type: 'commit', params: { to: 'halted', revertTo: 'paused' } }] },
      },
    },
    halted: {
      on: {
        ACKNOWLEDGE_HALT: { target: 'committing', actions: ['clearError', { type: 'commit', params: { to: 'stopped', revertTo: 'halted' } }] },
      },
    },
    /** the transition is written (bot_config + journal) before the new state is entered */
    committing: {
      invoke: {
        id: 'persist',
        src: 'persist',
        input: ({ context }) => {
          const { revertTo: _r, ...input } = context.pending as PendingCommit;
          return input;
        },
        onDone: [
          { guard: { type: 'pendingTo', params: { state: 'running' } }, target: 'running', actions: ['finishRestoring', 'clearPending'] },
          { guard: { type: 'pendingTo', params: { state: 'paused' } }, target: 'paused', actions: ['finishRestoring', 'clearPending'] },
          { guard: { type: 'pendingTo', params: { state: 'halted' } }, target: 'halted', actions: ['finishRestoring', 'clearPending'] },
          { target: 'stopped', actions: ['finishRestoring', 'clearPending'] },
        ],
        onError: [
          { guard: { type: 'revertTo', params: { state: 'running' } }, target: 'running', actions: ['recordPersistError', 'clearPending'] },
          { guard: { type: 'revertTo', params: { state: 'paused' } }, target: 'paused', actions: ['recordPersistError', 'clearPending'] },
          { guard: { type: 'revertTo', params: { state: 'halted' } }, target: 'halted', actions: ['recordPersistError', 'clearPending'] },
          { target: 'stopped', actions: ['recordPersistError', 'finishRestoring', 'clearPending'] },
        ],
      },
    },
  },
});

export type BotSnapshot = SnapshotFrom<typeof botMachine>;

/** the state the API reports: in-between steps show the state still in force */
export function reportedState(snapshot: BotSnapshot): BotState {
  if (snapshot.matches('running')) return 'running';
  if (snapshot.matches('paused')) return 'paused';
  if (snapshot.matches('halted')) return 'halted';
  if (snapshot.matches('committing')) {
    const from = snapshot.context.pending?.from ?? 'stopped';
    return snapshot.context.restoring && from === 'running' ? 'stopped' : from;
  }
  return 'stopped';
}

/**
 * true while the bot is on its way to running: reconciling, or writing the 'running' it earned.
 * The status must say so through the commit too, or a reader sees a settled 'stopped' for a moment.
 */
export function isStarting(snapshot: BotSnapshot): boolean {
  if (snapshot.matches('starting')) return true;
  return snapshot.matches('committing') && snapshot.context.pending?.to === 'running' && snapshot.context.pending.event === 'START';
}

/** true while a transition is in flight (reconciling, persisting, switching the mode) */
export function isSettling(snapshot: BotSnapshot): boolean {
  return snapshot.matches('starting') || snapshot.matches('committing') || snapshot.matches('restoring') || snapshot.matches('switchingMode');
}
