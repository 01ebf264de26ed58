/**
 * One trade's lifecycle statechart, the whole of it: entry, exit, every retry, giving up, and the
 * path a trade restored after a restart takes. Machines only declare (docs/design.md §5): every
 * effect is a named action, actor or guard supplied ONCE with .provide() (actors/position-runtime.ts);
 * the defaults here fail loudly. The context holds data only (it survives JSON and structuredClone).
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
 *  - states tagged `busy` have work in flight (the actor's idle() waits them out).
 */
import { assign, fromEventObservable, fromPromise, setup } from 'xstate';
import type {
  PositionMachineContext, PositionMachineEvent, PositionMachineInput, ResumeResult, RetryResult, SubmitResult, TimedIntent,
} from './position.machine.types.js';

export const MAX_EXIT_ATTEMPTS = 3;

export type {
  ExitIntent, PositionMachineContext, PositionMachineEvent, PositionMachineInput, ResumeResult, RetryResult, SubmitResult, TimedIntent,
} from './position.machine.types.js';

type TradeRef = { tradeId: string };
const missing = (kind: string, name: string) => new Error(`position machine: ${kind} ${name} not provided`);
const action = (name: string) => () => { throw missing('action', name); };
const guard = (name: string) => (): boolean => { throw missing('guard', name); };
const step = <O, I = PositionMachineContext>(name: string) => fromPromise<O, I>(async () => { throw missing('actor', name); });

export const positionMachine = setup({
  types: {
    context: {} as PositionMachineContext,
    events: {} as PositionMachineEvent,
    input: {} as PositionMachineInput,
  },
  actors: {
    /** the trade's exit decisions and order updates, as machine events */
    inbox: fromEventObservable<PositionMachineEvent, TradeRef>(() => { throw missing('actor', 'inbox'); }),
    cancelOwnOrders: step<void, TradeRef>('cancelOwnOrders'),
    submitExit: step<SubmitResult>('submitExit'),
    planRetry: step<RetryResult>('planRetry'),
    findSentExit: step<TimedIntent | null, TradeRef>('findSentExit'),
    resumeExit: step<ResumeResult>('resumeExit'),
  },
  guards: {
    hasDeferredExit: ({ context }) => context.deferredExit !== null,
    restoredOpen: ({ context }) => context.restored === 'open',
    restoredOpenUnsent: ({ context }) => context.restored === 'open' && context.unsentExit,
    restoredExiting: ({ context }) => context.restored === 'exiting',
    attemptsExhausted: ({ context }) => context.attempt >= MAX_EXIT_ATTEMPTS,
    /** provided: the entry order can still fill (it is cancelled before any sell) */
    noWorkingEntry: guard('noWorkingEntry'),
  },
  actions: {
    /** persist shares / average price / entry time (the first fill: open, arm the exit rules) */
    recordEntry: action('recordEntry'),
    recordCancelled: action('recordCancelled'),
    /** asks the broker to cancel the entry order (kill switch before the first fill) */
    cancelEntry: action('cancelEntry'),
    /** evaluate the exit rules on the symbol's prices (a restored open trade) */
    arm: action('arm'),
    /** stop evaluating them: the exit is decided */
    disarm: action('disarm'),
    recordClosed: action('recordClosed'),
    /** journal + exit_failed: the sell did not complete (context.why) */
    exitFailed: action('exitFailed'),
    /** exit_gave_up: the exit stopped trying (context.gaveUp) */
    gaveUp: action('gaveUp'),
    /** journal + exit_flat_at_broker: nothing left to sell, reconciliation decides */
    flatAtBroker: action('flatAtBroker'),
    /** a step failed unexpectedly (a database write): warned, exit_failed */
    stepFailed: action('stepFailed'),
    /** the inbox (decisions and order updates) failed: warned */
    inboxFailed: action('inboxFailed'),
    noteShort: assign({ shortWhileSending: true, why: ({ event }) => (event.type === 'EXIT_SHORT' ? event.why : ''), refused: null }),
    deferExit: assign({ deferredExit: ({ event }) => (event.type === 'EXIT' ? { reason: event.reason, price: event.price, detail: event.detail, at: event.at } : null) }),
    /** the exit begins: the decision (or the one deferred) becomes the intent; attempt 1 at least */
    beginExit: assign(({ context, event }) => {
      const exit = event.type === 'EXIT' ? event : context.deferredExit;
      return {
        intent: exit ? { reason: exit.reason, price: exit.price, detail: exit.detail } : context.intent,
        since: exit ? exit.at : context.since,
        deferredExit: null, attempt: Math.max(1, context.attempt), recorded: false, sellQty: null, shortWhileSending: false,
      };
    }),
  },
  delays: {
    /** the wait before a re-send after a refusal or a short fill (provided from the tuning) */
    exitRetry: 1_000,
  },
}).createMachine({
  id: 'position',
  initial: 'starting',
  context: ({ input }) => ({
    ...input, deferredExit: null, sellQty: null, recorded: input.restored === 'exiting', why: '', refused: null, shortWhileSending: false, gaveUp: null,
  }),
  // an inbox that fails stops delivering: said loudly (the watchdog then sees a trade nobody exits)
  invoke: { src: 'inbox', input: ({ context }) => ({ tradeId: context.tradeId }), onError: { actions: 'inboxFailed' } },
  states: {
    starting: {
      always: [
        { guard: 'restoredExiting', target: 'exiting.restored' },
        { guard: 'restoredOpenUnsent', target: 'open.resuming', actions: 'arm' },
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
      initial: 'armed',
      on: { ENTRY_FILLED: { actions: 'recordEntry' } },
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
