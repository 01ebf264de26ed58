/**
 * One trade's lifecycle statechart, the whole of it: entry, exit, every retry, giving up, and the
 * path a trade restored after a restart takes. Machines only declare (docs/design.md §5): every
 * effect is a named action, actor or guard supplied ONCE with .provide() (actors/position-runtime.ts),
 * declared by name in position.machine.setup.ts (whose defaults fail loudly). The context holds data only (it survives JSON and structuredClone).
 * The actor receives lifecycle events only — exit DECISIONS and its orders' updates, through the
 * invoked `inbox` observable — never raw price ticks (docs/benchmarks.md §3).
 * Invariants:
 *  - pending_entry → open → exiting → closed; pending_entry → cancelled. Nothing leaves a final state.
 *  - it exits at most once: EXIT is taken only in open.armed (remembered in pending_entry, for a kill
 *    switch before the first fill, and in open.resuming, while a sell sent before a crash is looked for);
 *  - an exit: cancellingOwnOrders (a still-working entry) → submitting → awaitingFill; a refused or
 *    short sell → retryWait (`after` exitRetry) → retrying (reads what the broker holds) → submitting
 *    again, at most MAX_EXIT_ATTEMPTS attempts in all, then `failed` (the stuck-exit alarm reads
 *    context.gaveUp); a broker that holds nothing → `flat` (reconciliation settles the trade);
 *  - a restored trade starts in `starting` and takes its path by its row: open → open.resuming (a
 *    sell sent before the crash, looked up by its id's stem, is adopted, never sent again) or
 *    open.armed; exiting → exiting.restored, which RESUME (sent once the trade's orders were
 *    re-read) turns into exiting.resuming (the sell of unknown outcome looked up by its id);
 *  - states tagged `busy` have work in flight (the actor's idle() waits them out);
 *  - while open, a second region keeps the protective stop at the broker in line with what the
 *    trade holds and its hard-stop level (core/exits/protective-stop.ts): `syncing` converges the
 *    broker's stop (places, or cancels with the cancel acknowledged and then places: never two
 *    live), `protected`, `unprotected` (nothing to place: waits for a change), `retryWait` (a
 *    refusal: tried again after stopRetry). Any change re-enters `syncing`;
 *  - before any sell of Keel's own the stop is cancelled and the cancel acknowledged
 *    (cancellingOwnOrders; skipped only when the trade has no order that may work); a stop that
 *    sells while the position is open is the trade's exit (`broker_stop`): everything sold → closed,
 *    part → exiting.awaitingFill on the stop (the rest is sold as any short exit is).
 */
import { assign, raise } from 'xstate';
import { positionSetup } from './position.machine.setup.js';
import type { SubmitResult } from './position.machine.types.js';

export { MAX_EXIT_ATTEMPTS } from './position.machine.setup.js';

export type {
  ExitIntent, PositionMachineContext, PositionMachineEvent, PositionMachineInput, ResumeResult, RetryResult, StopResult, SubmitResult, TimedIntent,
} from './position.machine.types.js';

export const positionMachine = positionSetup.createMachine({
  id: 'position',
  initial: 'starting',
  context: ({ input }) => ({
    ...input, deferredExit: null, sellQty: null, recorded: input.restored === 'exiting', why: '', refused: null, shortWhileSending: false, gaveUp: null, stopWhy: null,
  }),
  // an inbox that fails stops delivering: said loudly (the watchdog then sees a trade nobody exits)
  invoke: { src: 'inbox', input: ({ context }) => ({ tradeId: context.tradeId }), onError: { actions: 'inboxFailed' } },
  states: {
    starting: {
      always: [
        { guard: 'restoredExiting', target: 'exiting.restored' },
        { guard: 'restoredOpenUnsent', target: 'open.exit.resuming', actions: 'arm' },
        { guard: 'restoredOpen', target: 'open', actions: 'arm' },
        { target: 'pending_entry' },
      ],
    },
    pending_entry: {
      on: {
        // a kill switch that came before the first fill is carried out at once
        ENTRY_FILLED: [
          { guard: 'hasDeferredExit', target: 'exiting', actions: ['recordEntry', 'beginExit'] },
          { target: 'open', actions: 'recordEntry' },
        ],
        ENTRY_ENDED: { target: 'cancelled', actions: 'recordCancelled' },
        EXIT: { actions: ['deferExit', 'cancelEntry'] },
      },
    },
    open: {
      type: 'parallel',
      on: {
        ENTRY_FILLED: { actions: ['recordEntry', raise({ type: 'STOP_CHANGED' })] },
        // the broker's stop sold: it is the exit (the exit rules stop, Keel sells nothing of its own)
        STOP_FILLED: [
          { guard: ({ event }) => event.done, target: 'closed', actions: ['stopFilledIntent', 'disarm', 'recordStopExit', 'recordClosed'] },
          { target: '#position.exiting.awaitingFill', actions: ['stopFilledIntent', 'disarm', 'recordStopExit'] },
        ],
      },
      states: {
        exit: {
          initial: 'armed',
          states: {
            armed: {
              on: {
                // straight to submitting when no entry order can still fill: the tick → exit hot path
                EXIT: [
                  { guard: 'noWorkingEntry', target: '#position.exiting.submitting', actions: ['beginExit', 'disarm'] },
                  { target: '#position.exiting', actions: ['beginExit', 'disarm'] },
                ],
              },
            },
            /** a sell sent before a crash is looked for by its stem; a decision meanwhile waits for the answer */
            resuming: {
              tags: 'busy',
              on: { EXIT: { actions: 'deferExit' } },
              invoke: {
                src: 'findSentExit', input: ({ context }) => ({ tradeId: context.tradeId }),
                onDone: [
                  // the sell found is adopted (submitting sends nothing new) and its own rule wins
                  { guard: ({ event }) => event.output !== null, target: '#position.exiting', actions: [assign({ deferredExit: ({ event }) => event.output }), 'beginExit', 'disarm'] },
                  { guard: 'hasDeferredExit', target: '#position.exiting', actions: ['beginExit', 'disarm'] },
                  { target: 'armed' },
                ],
                onError: [
                  { guard: 'hasDeferredExit', target: '#position.exiting', actions: ['stepFailed', 'beginExit', 'disarm'] },
                  { target: 'armed', actions: 'stepFailed' },
                ],
              },
            },
          },
        },
        /** the protective stop at the broker (see the invariants above) */
        stop: {
          initial: 'starting',
          states: {
            // broker stops off: nothing to look at until a change (the mode switched on, a health check)
            starting: { always: [{ guard: 'stopsOff', target: 'unprotected', actions: assign({ stopWhy: 'broker stops are off' }) }, { target: 'syncing' }] },
            syncing: {
              tags: 'busy',
              on: { STOP_CHANGED: { target: 'syncing', reenter: true } },
              invoke: {
                src: 'syncStop', input: ({ context }) => ({ tradeId: context.tradeId }),
                onDone: [
                  { guard: ({ event }) => event.output.kind === 'protected', target: 'protected', actions: assign({ stopWhy: null }) },
                  { guard: ({ event }) => event.output.kind === 'none', target: 'unprotected', actions: assign({ stopWhy: ({ event }) => (event.output.kind === 'none' ? event.output.why : null) }) },
                  { guard: ({ event }) => event.output.kind === 'failed', target: 'retryWait', actions: [assign({ stopWhy: ({ event }) => (event.output.kind === 'failed' ? event.output.why : null) }), 'stopMissing'] },
                  // found filled: STOP_FILLED (delivered by the step) takes the trade out of open
                  { target: 'protected' },
                ],
                onError: { target: 'retryWait', actions: [assign({ stopWhy: ({ event }) => `the protective stop could not be brought in line: ${String((event.error as Error)?.message ?? event.error)}` }), 'stopMissing'] },
              },
            },
            protected: {
              on: {
                STOP_CHANGED: 'syncing',
                STOP_ENDED: [
                  { guard: ({ event }) => event.retryNow, target: 'syncing' },
                  { target: 'retryWait', actions: [assign({ stopWhy: ({ event }) => event.why }), 'stopMissing'] },
                ],
              },
            },
            unprotected: { on: { STOP_CHANGED: 'syncing', STOP_ENDED: 'syncing' } },
            retryWait: {
              on: { STOP_CHANGED: 'syncing' },
              after: { stopRetry: 'syncing' },
            },
          },
        },
      },
    },
    exiting: {
      initial: 'cancellingOwnOrders',
      on: {
        // a late entry fill (the cancel raced it) still updates the shares; the exit sells what is held
        ENTRY_FILLED: { actions: 'recordEntry' },
        EXIT_FILLED: { target: 'closed', actions: 'recordClosed' },
      },
      states: {
        cancellingOwnOrders: {
          tags: 'busy',
          always: { guard: 'noWorkingEntry', target: 'submitting' },
          invoke: { src: 'cancelOwnOrders', input: ({ context }) => ({ tradeId: context.tradeId }), onDone: 'submitting', onError: 'submitting' },
        },
        submitting: {
          tags: 'busy',
          on: { EXIT_SHORT: { actions: 'noteShort' } },
          invoke: {
            src: 'submitExit', input: ({ context }) => context,
            onDone: [
              { guard: ({ event, context }) => event.output.kind === 'accepted' && context.shortWhileSending, target: 'retryWait', actions: assign({ recorded: true, sellQty: null }) },
              { guard: ({ event }) => event.output.kind === 'accepted', target: 'awaitingFill', actions: assign({ recorded: true, sellQty: null }) },
              { guard: ({ event }) => event.output.kind === 'nothing', target: 'awaitingFill', actions: [assign({ recorded: true, why: 'nothing to sell' }), 'exitFailed'] },
              {
                target: 'retryWait',
                actions: [assign(({ event }) => {
                  const r = event.output as Extract<SubmitResult, { kind: 'rejected' }>;
                  return { recorded: true, sellQty: null, why: r.error, refused: r.refusedQty };
                }), 'exitFailed'],
              },
            ],
            onError: { target: 'awaitingFill', actions: 'stepFailed' },
          },
        },
        awaitingFill: {
          on: { EXIT_SHORT: { target: 'retryWait', actions: assign({ why: ({ event }) => event.why, refused: null }) } },
        },
        retryWait: {
          tags: 'busy',
          always: {
            guard: 'attemptsExhausted', target: 'failed',
            actions: assign({ gaveUp: ({ context }) => `exit gave up after ${context.attempt} attempts: ${context.why}` }),
          },
          after: { exitRetry: { target: 'retrying', actions: assign({ attempt: ({ context }) => context.attempt + 1 }) } },
        },
        /** reads the broker's position: a retry sells what is there, never the refused quantity again */
        retrying: {
          tags: 'busy',
          invoke: {
            src: 'planRetry', input: ({ context }) => context,
            onDone: [
              { guard: ({ event }) => event.output.kind === 'sell', target: 'cancellingOwnOrders', actions: assign({ sellQty: ({ event }) => (event.output.kind === 'sell' ? event.output.qty : null), shortWhileSending: false }) },
              { guard: ({ event }) => event.output.kind === 'unreadable', target: 'retryWait', actions: assign({ why: ({ event }) => (event.output.kind === 'unreadable' ? event.output.why : '') }) },
              { guard: ({ event }) => event.output.kind === 'flat', target: 'flat' },
              {
                target: 'failed',
                actions: assign({ gaveUp: ({ event, context }) => `the broker refused a sell of ${event.output.kind === 'refused_again' ? event.output.qty : '?'} and still reports that position: ${context.why}` }),
              },
            ],
            onError: { target: 'awaitingFill', actions: 'stepFailed' },
          },
        },
        /** the broker holds nothing: reconciliation settles the trade (closed there, or missed) */
        flat: { entry: 'flatAtBroker' },
        /** the exit stopped trying: stays exiting, listed by the stuck-exit alarm, until someone acts */
        failed: { entry: 'gaveUp' },
        /** a restored exiting trade, until its orders were re-read */
        restored: { on: { RESUME: 'resuming', EXIT_SHORT: { actions: 'noteShort' } } },
        resuming: {
          tags: 'busy',
          on: { EXIT_SHORT: { actions: 'noteShort' } },
          invoke: {
            src: 'resumeExit', input: ({ context }) => context,
            onDone: [
              // the sell of the row ended short while the trade was rebuilt: sell the rest
              { guard: ({ context }) => context.shortWhileSending, target: 'retryWait', actions: assign({ intent: ({ event, context }) => event.output.intent ?? context.intent }) },
              { guard: ({ event }) => event.output.next === 'send', target: 'cancellingOwnOrders', actions: assign({ intent: ({ event, context }) => event.output.intent ?? context.intent, shortWhileSending: false }) },
              { target: 'awaitingFill', actions: assign({ intent: ({ event, context }) => event.output.intent ?? context.intent }) },
            ],
            onError: { target: 'awaitingFill', actions: 'stepFailed' },
          },
        },
      },
    },
    closed: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

export type PositionMachine = typeof positionMachine;
export type PositionState = 'starting' | 'pending_entry' | 'open' | 'exiting' | 'closed' | 'cancelled';
