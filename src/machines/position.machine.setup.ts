/**
 * The position machine's declarations (position.machine.ts draws the chart with them): its types,
 * the invoked steps, guards, actions and delays by name. Every effect is supplied ONCE with
 * .provide() (actors/position-runtime.ts); the defaults here fail loudly, so a missing one is seen.
 */
import { assign, fromEventObservable, fromPromise, setup } from 'xstate';
import type {
  PositionMachineContext, PositionMachineEvent, PositionMachineInput, ResumeResult, RetryResult, StopResult, SubmitResult, TimedIntent,
} from './position.machine.types.js';

export const MAX_EXIT_ATTEMPTS = 3;

type TradeRef = { tradeId: string };
const missing = (kind: string, name: string) => new Error(`position machine: ${kind} ${name} not provided`);
const action = (name: string) => () => { throw missing('action', name); };
const guard = (name: string) => (): boolean => { throw missing('guard', name); };
const step = <O, I = PositionMachineContext>(name: string) => fromPromise<O, I>(async () => { throw missing('actor', name); });

export const positionSetup = setup({
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
    /** brings the broker's protective stop in line with the trade (places, replaces, cancels) */
    syncStop: step<StopResult, TradeRef>('syncStop'),
  },
  guards: {
    hasDeferredExit: ({ context }) => context.deferredExit !== null,
    restoredOpen: ({ context }) => context.restored === 'open',
    restoredOpenUnsent: ({ context }) => context.restored === 'open' && context.unsentExit,
    restoredExiting: ({ context }) => context.restored === 'exiting',
    attemptsExhausted: ({ context }) => context.attempt >= MAX_EXIT_ATTEMPTS,
    /** provided: the protective stop's mode is off (a new position's stop region starts idle) */
    stopsOff: guard('stopsOff'),
    /** provided: no order of the trade may be working (an entry that can still fill, a protective
     *  stop): each is cancelled, the stop's cancel acknowledged, before any sell */
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
    /** the protective stop filled while open: the 'exiting' record names it as the trade's exit */
    recordStopExit: action('recordStopExit'),
    /** journal: the position has no protective stop at the broker now (context.stopWhy), said once per reason */
    stopMissing: action('stopMissing'),
    /** the inbox (decisions and order updates) failed: warned */
    inboxFailed: action('inboxFailed'),
    stopFilledIntent: assign(({ event, context }) => (event.type === 'STOP_FILLED' ? {
      intent: {
        reason: event.reason, price: event.price,
        detail: event.reason === 'broker_stop' ? `the protective stop at the broker sold at ${event.price}` : `the bracket's ${event.reason === 'profit_target' ? 'take-profit' : 'stop-loss'} leg sold at ${event.price}`,
      },
      deferredExit: null, attempt: Math.max(1, context.attempt), recorded: true, sellQty: null, shortWhileSending: false,
    } : {})),
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
    /** the wait before a refused protective stop is tried again (provided from the tuning) */
    stopRetry: 30_000,
  },
});
