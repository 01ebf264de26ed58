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
import type { ExitReason } from '../domain/trade.js';
import type { EpochMs } from '../domain/time.js';

/** the exit rule that fired, as carried out */
export interface ExitIntent {
  reason: ExitReason;
  price: number;
  detail: string;
}

/** an intent with the time it was decided */
export type TimedIntent = ExitIntent & { at: EpochMs };

export const MAX_EXIT_ATTEMPTS = 3;

export type PositionMachineEvent =
  /** cumulative entry fill; `done` = the entry order is terminal (filled, or canceled after a partial) */
  | { type: 'ENTRY_FILLED'; done: boolean }
  /** the entry order ended with nothing filled (rejected, canceled, expired, never reached the broker) */
  | { type: 'ENTRY_ENDED'; reason: string }
  | ({ type: 'EXIT'; at: EpochMs } & ExitIntent)
  /** the exit order(s) filled the whole position */
  | { type: 'EXIT_FILLED' }
  /** an exit order ended short of the position (rejected, canceled, expired after a partial) */
  | { type: 'EXIT_SHORT'; why: string }
  /** a restored exiting trade's orders were re-read: finish what the crash interrupted */
  | { type: 'RESUME' };

/** what a sell's submission came to (the sell already recorded when accepted) */
export type SubmitResult =
  | { kind: 'accepted' }
  | { kind: 'nothing' }
  /** `refusedQty`: the decimal quantity of a sell refused for its quantity, else null */
  | { kind: 'rejected'; error: string; refusedQty: string | null };

/** what a retry found at the broker (retrying has recorded the next sell's id when it sells) */
export type RetryResult =
  | { kind: 'sell'; qty: string }
  | { kind: 'unreadable'; why: string }
  | { kind: 'flat' }
  | { kind: 'refused_again'; qty: string };

/** what a restored exiting trade learned of its exit */
export interface ResumeResult {
  intent: ExitIntent | null;
  /** 'send': no sell carries the recorded id, send it; 'await': the sell is known, wait for it */
  next: 'send' | 'await';
}

export interface PositionMachineInput {
  tradeId: string;
  symbol: string;
  /** the status of the row it was built from (a restart, a re-adoption); null: from its entry */
  restored: 'open' | 'exiting' | null;
  /** the row names an exit sell's id but no broker order: whether it was sent is unknown */
  unsentExit: boolean;
  /** the attempt the row's exit id names (0 before the first sell) */
  attempt: number;
  /** the rule the row's exit id carries, when it says */
  intent: ExitIntent | null;
  /** when the row was last written (a restored exit began no later) */
  since: EpochMs;
}

export interface PositionMachineContext extends PositionMachineInput {
  /** an EXIT that arrived before it could be carried out */
  deferredExit: TimedIntent | null;
  /** the quantity (decimal text) a retry sells; null: what the trade holds */
  sellQty: string | null;
  /** the 'exiting' record names the current attempt's sell: a send reuses that id exactly */
  recorded: boolean;
  /** why the last sell did not complete */
  why: string;
  /** the quantity (decimal text) of a sell refused for its quantity, else null */
  refused: string | null;
  /** an exit order ended short while the next sell was being sent */
  shortWhileSending: boolean;
  /** why the exit stopped trying; null while it tries */
  gaveUp: string | null;
}

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
    noteShort: assign({ shortWhileSending: true, why: ({ event }) => (event.type === 'EXIT_SHORT' ? event.why : ''), refused: null }),
    deferExit: assign({ deferredExit: ({ event }) => (event.type === 'EXIT' ? { reason: event.reason, price: event.price, detail: event.detail, at: event.at } : null) }),
    /** the exit begins: the decision (or the one deferred) becomes the intent; attempt 1 at least */
    beginExit: assign(({ context, event }) => {
      const exit = event.type === 'EXIT' ? event : context.deferredExit;
      return {
        intent: exit ? { reason: exit.reason, price: exit.price, detail: exit.detail } : context.intent,
        since: exit ? exit.at : context.since,
        deferredExit: null, attempt: Math.max(1, context.attempt), recorded: false, sellQty: null,
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
  invoke: { src: 'inbox', input: ({ context }) => ({ tradeId: context.tradeId }) },
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
          on: { EXIT: { target: '#position.exiting', actions: ['beginExit', 'disarm'] } },
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
          entry: assign({ shortWhileSending: false }),
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
              { guard: ({ event }) => event.output.kind === 'sell', target: 'cancellingOwnOrders', actions: assign({ sellQty: ({ event }) => (event.output.kind === 'sell' ? event.output.qty : null) }) },
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
              { guard: ({ event }) => event.output.next === 'send', target: 'cancellingOwnOrders', actions: assign({ intent: ({ event, context }) => event.output.intent ?? context.intent }) },
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
