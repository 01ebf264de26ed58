/**
 * The position machine with test implementations provided the way the runtime provides its own:
 * the inbox is a Subject, each invoked step waits until the test answers it, the retry wait runs on
 * XState's SimulatedClock (tests/machines/position*.test.ts).
 */
import { Subject } from 'rxjs';
import { expect } from 'vitest';
import { createActor, fromEventObservable, fromPromise, SimulatedClock, waitFor } from 'xstate';
import {
  MAX_EXIT_ATTEMPTS, positionMachine, type PositionMachineContext, type PositionMachineEvent, type PositionMachineInput,
  type ResumeResult, type RetryResult, type StopResult, type SubmitResult, type TimedIntent,
} from '../../src/machines/position.machine.js';

type Steps = { cancelOwnOrders: void; submitExit: SubmitResult; planRetry: RetryResult; findSentExit: TimedIntent | null; resumeExit: ResumeResult; syncStop: StopResult };
type StepName = keyof Steps;
interface Pending { name: StepName; input: unknown; resolve(value: unknown): void; reject(error: unknown): void }

export const INPUT: PositionMachineInput = { tradeId: 't-1', symbol: 'AAPL', restored: null, unsentExit: false, attempt: 0, intent: null, since: 1_000 };
export const EXIT = { type: 'EXIT', reason: 'hard_stop', price: 92, detail: 'stop', at: 5_000 } as const;

/**
 * `stops`: the protective stop's syncStop steps wait for the test like every other step (else each
 * answers at once that nothing is to be placed, and `value()` shows the exit's region alone)
 */
export function run(input: Partial<PositionMachineInput> = {}, opts: { workingEntry?: boolean; stops?: boolean; stopLive?: boolean } = {}) {
  const calls: string[] = [];
  const pending: Pending[] = [];
  const inbox = new Subject<PositionMachineEvent>();
  const clock = new SimulatedClock();
  let workingEntry = opts.workingEntry ?? false;
  let stopLive = opts.stopLive ?? false;
  // typed loosely (each step's input type differs); the machine's own types check the outputs' use
  const step = <N extends StepName>(name: N) => fromPromise<Steps[N], unknown>(({ input: i }) => new Promise((resolve, reject) => {
    pending.push({ name, input: i, resolve: resolve as (v: unknown) => void, reject });
  })) as never;
  const record = (name: string) => () => { calls.push(name); };
  const machine = positionMachine.provide({
    actors: {
      inbox: fromEventObservable(() => inbox),
      cancelOwnOrders: step('cancelOwnOrders'), submitExit: step('submitExit'), planRetry: step('planRetry'),
      findSentExit: step('findSentExit'), resumeExit: step('resumeExit'),
      syncStop: opts.stops ? step('syncStop') : fromPromise<StopResult, unknown>(async () => ({ kind: 'none', why: 'not under test' })) as never,
    },
    guards: { noWorkingEntry: () => !workingEntry && !stopLive, stopsOff: () => false },
    actions: Object.fromEntries([
      'inboxFailed', 'recordEntry', 'recordCancelled', 'cancelEntry', 'arm', 'disarm', 'recordClosed', 'exitFailed', 'gaveUp', 'flatAtBroker', 'stepFailed',
      'recordStopExit', 'stopMissing',
    ].map((n) => [n, record(n)])),
    delays: { exitRetry: 1_000, stopRetry: 30_000 },
  });
  const actor = createActor(machine, { input: { ...INPUT, ...input }, clock }).start();
  const snap = () => actor.getSnapshot();
  return {
    actor, calls, clock, inbox,
    send: (e: PositionMachineEvent) => inbox.next(e),
    /** the state; while open, the exit's region alone unless stops are under test */
    value: () => {
      const v = snap().value as Record<string, unknown> | string;
      if (opts.stops || typeof v === 'string' || !('open' in v)) return v;
      return { open: (v.open as { exit: unknown }).exit };
    },
    /** the whole state value (both regions while open) */
    fullValue: () => snap().value,
    setStopLive: (live: boolean) => { stopLive = live; },
    ctx: (): PositionMachineContext => snap().context,
    endEntry: () => { workingEntry = false; },
    /** the steps invoked and not yet answered, oldest first (a re-entered state leaves its old one here) */
    pendingSteps: () => pending.map((p) => p.name),
    /** answers the oldest waiting step without waiting for the machine (an invocation it no longer holds) */
    answerStale<N extends StepName>(name: N, output: Steps[N]) {
      const p = pending.shift();
      expect(p?.name).toBe(name);
      p!.resolve(output);
    },
    /** answers the step now waiting (it must be `name`) and waits for the machine to leave it */
    async answer<N extends StepName>(name: N, output: Steps[N] | Error) {
      const p = pending.shift();
      expect(p?.name).toBe(name);
      const before = snap();
      if (output instanceof Error) p!.reject(output); else p!.resolve(output);
      await waitFor(actor, (s) => s !== before);
      return p!.input;
    },
  };
}

/** an open position whose exit is being submitted (attempt 1) */
export function submitting() {
  const m = run({ restored: 'open' });
  m.send(EXIT);
  expect(m.value()).toEqual({ exiting: 'submitting' });
  return m;
}

