/**
 * Every state and transition of the position machine, with test implementations provided the way
 * the runtime provides its own: the inbox is a Subject, each invoked step waits until the test
 * answers it, the retry wait runs on XState's SimulatedClock.
 */
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createActor, fromEventObservable, fromPromise, SimulatedClock, waitFor } from 'xstate';
import {
  MAX_EXIT_ATTEMPTS, positionMachine, type PositionMachineContext, type PositionMachineEvent, type PositionMachineInput,
  type ResumeResult, type RetryResult, type SubmitResult, type TimedIntent,
} from '../../src/machines/position.machine.js';

type Steps = { cancelOwnOrders: void; submitExit: SubmitResult; planRetry: RetryResult; findSentExit: TimedIntent | null; resumeExit: ResumeResult };
type StepName = keyof Steps;
interface Pending { name: StepName; input: unknown; resolve(value: unknown): void; reject(error: unknown): void }

const INPUT: PositionMachineInput = { tradeId: 't-1', symbol: 'AAPL', restored: null, unsentExit: false, attempt: 0, intent: null, since: 1_000 };
const EXIT = { type: 'EXIT', reason: 'hard_stop', price: 92, detail: 'stop', at: 5_000 } as const;

function run(input: Partial<PositionMachineInput> = {}, opts: { workingEntry?: boolean } = {}) {
  const calls: string[] = [];
  const pending: Pending[] = [];
  const inbox = new Subject<PositionMachineEvent>();
  const clock = new SimulatedClock();
  let workingEntry = opts.workingEntry ?? false;
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
    },
    guards: { noWorkingEntry: () => !workingEntry },
    actions: Object.fromEntries(['inboxFailed', 'recordEntry', 'recordCancelled', 'cancelEntry', 'arm', 'disarm', 'recordClosed', 'exitFailed', 'gaveUp', 'flatAtBroker', 'stepFailed'].map((n) => [n, record(n)])),
    delays: { exitRetry: 1_000 },
  });
  const actor = createActor(machine, { input: { ...INPUT, ...input }, clock }).start();
  const snap = () => actor.getSnapshot();
  return {
    actor, calls, clock, inbox,
    send: (e: PositionMachineEvent) => inbox.next(e),
    value: () => snap().value,
    ctx: (): PositionMachineContext => snap().context,
    endEntry: () => { workingEntry = false; },
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
function submitting() {
  const m = run({ restored: 'open' });
  m.send(EXIT);
  expect(m.value()).toEqual({ exiting: 'submitting' });
  return m;
}

describe('position machine: entry', () => {
  it('starts in pending_entry, opens on the first entry fill and records every later fill', () => {
    const m = run();
    expect(m.value()).toBe('pending_entry');
    m.send({ type: 'ENTRY_FILLED', done: false });
    expect(m.value()).toEqual({ open: 'armed' });
    m.send({ type: 'ENTRY_FILLED', done: true });
    expect(m.calls).toEqual(['recordEntry', 'recordEntry']);
  });

  it('is cancelled (final) when the entry ends with nothing filled', () => {
    const m = run();
    m.send({ type: 'ENTRY_ENDED', reason: 'entry order rejected' });
    expect(m.value()).toBe('cancelled');
    expect(m.actor.getSnapshot().status).toBe('done');
    expect(m.calls).toEqual(['recordCancelled']);
  });

  it('cancels the entry on a kill switch before the first fill, and exits as soon as a late fill opens it', () => {
    const m = run({}, { workingEntry: true });
    m.send({ ...EXIT, reason: 'kill_switch' });
    expect(m.value()).toBe('pending_entry');
    expect(m.ctx().deferredExit).toMatchObject({ reason: 'kill_switch' });
    m.send({ type: 'ENTRY_FILLED', done: false });
    // the partially filled entry may still fill: it is cancelled before the sell
    expect(m.value()).toEqual({ exiting: 'cancellingOwnOrders' });
    expect(m.ctx()).toMatchObject({ intent: { reason: 'kill_switch' }, since: 5_000, attempt: 1, deferredExit: null });
    expect(m.calls).toEqual(['cancelEntry', 'recordEntry']);
  });

  it('ignores an exit fill before any exit was decided', () => {
    const m = run({ restored: 'open' });
    m.send({ type: 'EXIT_FILLED' });
    expect(m.value()).toEqual({ open: 'armed' });
  });
});

describe('position machine: exit', () => {
  it('runs open → exiting → closed, disarming once and exiting only once', async () => {
    const m = submitting();
    m.send({ ...EXIT, reason: 'kill_switch' });
    expect(m.ctx()).toMatchObject({ intent: { reason: 'hard_stop', price: 92 }, attempt: 1, since: 5_000, recorded: false });
    expect(await m.answer('submitExit', { kind: 'accepted' })).toMatchObject({ intent: { reason: 'hard_stop' }, recorded: false });
    expect(m.value()).toEqual({ exiting: 'awaitingFill' });
    m.send({ type: 'ENTRY_FILLED', done: true });
    m.send({ type: 'EXIT_FILLED' });
    expect(m.value()).toBe('closed');
    expect(m.actor.getSnapshot().status).toBe('done');
    expect(m.calls).toEqual(['arm', 'disarm', 'recordEntry', 'recordClosed']);
  });

  it('cancels a still-working entry order before the sell', async () => {
    const m = run({ restored: 'open' }, { workingEntry: true });
    m.send(EXIT);
    expect(m.value()).toEqual({ exiting: 'cancellingOwnOrders' });
    await m.answer('cancelOwnOrders', undefined);
    expect(m.value()).toEqual({ exiting: 'submitting' });
  });

  it('sends anyway when the cancel fails (the entry may just have ended)', async () => {
    const m = run({ restored: 'open' }, { workingEntry: true });
    m.send(EXIT);
    await m.answer('cancelOwnOrders', new Error('404'));
    expect(m.value()).toEqual({ exiting: 'submitting' });
  });

  it('retries a refused sell after the retry delay of the clock, with what the broker holds', async () => {
    const m = submitting();
    await m.answer('submitExit', { kind: 'rejected', error: 'insufficient qty', refusedQty: '10' });
    expect(m.value()).toEqual({ exiting: 'retryWait' });
    expect(m.ctx()).toMatchObject({ why: 'insufficient qty', refused: '10', recorded: true });
    m.clock.increment(999);
    expect(m.value()).toEqual({ exiting: 'retryWait' });
    m.clock.increment(1);
    expect(m.value()).toEqual({ exiting: 'retrying' });
    expect(await m.answer('planRetry', { kind: 'sell', qty: '7' })).toMatchObject({ attempt: 2, refused: '10' });
    expect(m.value()).toEqual({ exiting: 'submitting' });
    expect(await m.answer('submitExit', { kind: 'accepted' })).toMatchObject({ recorded: true, sellQty: '7', attempt: 2 });
    expect(m.value()).toEqual({ exiting: 'awaitingFill' });
    expect(m.ctx().sellQty).toBeNull();
    expect(m.calls.filter((c) => c === 'exitFailed')).toHaveLength(1);
  });

  it('retries the rest when a sell ends short, and when it ended short while the next was being sent', async () => {
    const m = submitting();
    m.send({ type: 'EXIT_SHORT', why: 'exit order canceled' });
    await m.answer('submitExit', { kind: 'accepted' });
    expect(m.value()).toEqual({ exiting: 'retryWait' });
    m.clock.increment(1_000);
    await m.answer('planRetry', { kind: 'sell', qty: '3' });
    await m.answer('submitExit', { kind: 'accepted' });
    expect(m.value()).toEqual({ exiting: 'awaitingFill' });
    m.send({ type: 'EXIT_SHORT', why: 'exit order expired' });
    expect(m.value()).toEqual({ exiting: 'retryWait' });
    expect(m.ctx()).toMatchObject({ why: 'exit order expired', refused: null });
    expect(m.calls).not.toContain('exitFailed');
  });

  it(`gives up after ${MAX_EXIT_ATTEMPTS} attempts: failed, loud, still exiting, and a late fill still closes it`, async () => {
    const m = submitting();
    for (let attempt = 1; attempt < MAX_EXIT_ATTEMPTS; attempt++) {
      await m.answer('submitExit', { kind: 'rejected', error: 'halted', refusedQty: null });
      m.clock.increment(1_000);
      await m.answer('planRetry', { kind: 'sell', qty: '10' });
    }
    await m.answer('submitExit', { kind: 'rejected', error: 'halted', refusedQty: null });
    expect(m.value()).toEqual({ exiting: 'failed' });
    expect(m.ctx().gaveUp).toBe(`exit gave up after ${MAX_EXIT_ATTEMPTS} attempts: halted`);
    expect(m.calls.filter((c) => c === 'gaveUp')).toHaveLength(1);
    m.clock.increment(60_000);
    expect(m.value()).toEqual({ exiting: 'failed' });
    m.send({ type: 'EXIT_FILLED' });
    expect(m.value()).toBe('closed');
  });

  it('waits again when the broker position cannot be read, and counts that attempt', async () => {
    const m = submitting();
    await m.answer('submitExit', { kind: 'rejected', error: 'halted', refusedQty: null });
    m.clock.increment(1_000);
    await m.answer('planRetry', { kind: 'unreadable', why: 'the broker position could not be read: 503' });
    expect(m.value()).toEqual({ exiting: 'retryWait' });
    expect(m.ctx()).toMatchObject({ attempt: 2, why: 'the broker position could not be read: 503' });
  });

  it('hands a trade the broker holds nothing of to reconciliation (flat)', async () => {
    const m = submitting();
    await m.answer('submitExit', { kind: 'rejected', error: 'halted', refusedQty: null });
    m.clock.increment(1_000);
    await m.answer('planRetry', { kind: 'flat' });
    expect(m.value()).toEqual({ exiting: 'flat' });
    expect(m.calls).toContain('flatAtBroker');
  });

  it('gives up at once when the broker still reports the quantity it refused', async () => {
    const m = submitting();
    await m.answer('submitExit', { kind: 'rejected', error: 'insufficient qty', refusedQty: '10' });
    m.clock.increment(1_000);
    await m.answer('planRetry', { kind: 'refused_again', qty: '10' });
    expect(m.value()).toEqual({ exiting: 'failed' });
    expect(m.ctx().gaveUp).toBe('the broker refused a sell of 10 and still reports that position: insufficient qty');
  });

  it('says so when there is nothing to sell, and when a step fails, then waits for a fill', async () => {
    const nothing = submitting();
    await nothing.answer('submitExit', { kind: 'nothing' });
    expect(nothing.value()).toEqual({ exiting: 'awaitingFill' });
    expect(nothing.ctx().why).toBe('nothing to sell');
    expect(nothing.calls).toContain('exitFailed');
    const broken = submitting();
    await broken.answer('submitExit', new Error('database down'));
    expect(broken.value()).toEqual({ exiting: 'awaitingFill' });
    expect(broken.calls).toContain('stepFailed');
    const retry = submitting();
    await retry.answer('submitExit', { kind: 'rejected', error: 'halted', refusedQty: null });
    retry.clock.increment(1_000);
    await retry.answer('planRetry', new Error('database down'));
    expect(retry.value()).toEqual({ exiting: 'awaitingFill' });
  });
});

describe('position machine: restore', () => {
  it('arms a restored open trade', () => {
    const m = run({ restored: 'open' });
    expect(m.value()).toEqual({ open: 'armed' });
    expect(m.calls).toEqual(['arm']);
  });

  it('looks for a sell sent before the crash; none found: armed', async () => {
    const m = run({ restored: 'open', unsentExit: true });
    expect(m.value()).toEqual({ open: 'resuming' });
    expect(m.actor.getSnapshot().hasTag('busy')).toBe(true);
    await m.answer('findSentExit', null);
    expect(m.value()).toEqual({ open: 'armed' });
  });

  it('adopts the sell found, with its own rule, over a decision that came meanwhile', async () => {
    const m = run({ restored: 'open', unsentExit: true });
    m.send(EXIT);
    expect(m.value()).toEqual({ open: 'resuming' });
    await m.answer('findSentExit', { reason: 'profit_target', price: 0, detail: 'restored', at: 9_000 });
    expect(m.value()).toEqual({ exiting: 'submitting' });
    expect(m.ctx()).toMatchObject({ intent: { reason: 'profit_target' }, since: 9_000, deferredExit: null });
    expect(m.calls).toEqual(['arm', 'disarm']);
  });

  it('carries out a decision that came while it looked, when no sell was found (or the look-up failed)', async () => {
    const m = run({ restored: 'open', unsentExit: true });
    m.send(EXIT);
    await m.answer('findSentExit', null);
    expect(m.value()).toEqual({ exiting: 'submitting' });
    expect(m.ctx().intent).toMatchObject({ reason: 'hard_stop' });
    const failed = run({ restored: 'open', unsentExit: true });
    failed.send(EXIT);
    await failed.answer('findSentExit', new Error('aborted'));
    expect(failed.value()).toEqual({ exiting: 'submitting' });
    const quiet = run({ restored: 'open', unsentExit: true });
    await quiet.answer('findSentExit', new Error('aborted'));
    expect(quiet.value()).toEqual({ open: 'armed' });
  });

  it('resumes a restored exit once its orders were re-read: the sell of unknown outcome not found is sent with its recorded id', async () => {
    const m = run({ restored: 'exiting', unsentExit: true, attempt: 1, intent: null });
    expect(m.value()).toEqual({ exiting: 'restored' });
    m.send({ ...EXIT, reason: 'kill_switch' });
    expect(m.value()).toEqual({ exiting: 'restored' });
    m.send({ type: 'RESUME' });
    expect(m.value()).toEqual({ exiting: 'resuming' });
    await m.answer('resumeExit', { intent: { reason: 'trailing_stop', price: 0, detail: 'restored' }, next: 'send' });
    expect(m.value()).toEqual({ exiting: 'submitting' });
    expect(m.ctx()).toMatchObject({ recorded: true, intent: { reason: 'trailing_stop' }, attempt: 1 });
  });

  it('waits for the fill of a restored exit whose sell is known', async () => {
    const m = run({ restored: 'exiting', attempt: 1, intent: { reason: 'hard_stop', price: 0, detail: 'restored' } });
    m.send({ type: 'RESUME' });
    await m.answer('resumeExit', { intent: null, next: 'await' });
    expect(m.value()).toEqual({ exiting: 'awaitingFill' });
    expect(m.ctx().intent).toMatchObject({ reason: 'hard_stop' });
    m.send({ type: 'EXIT_FILLED' });
    expect(m.value()).toBe('closed');
  });

  it('retries the rest of a restored exit whose sell ended short while the trade was rebuilt', async () => {
    const m = run({ restored: 'exiting', attempt: 1 });
    m.send({ type: 'EXIT_SHORT', why: 'exit order canceled' });
    m.send({ type: 'RESUME' });
    await m.answer('resumeExit', { intent: null, next: 'await' });
    expect(m.value()).toEqual({ exiting: 'retryWait' });
    const failed = run({ restored: 'exiting', attempt: 1 });
    failed.send({ type: 'RESUME' });
    await failed.answer('resumeExit', new Error('database down'));
    expect(failed.value()).toEqual({ exiting: 'awaitingFill' });
  });
});

describe('position machine: data and defaults', () => {
  it('keeps data only in its context: it survives JSON and structuredClone', async () => {
    const m = submitting();
    await m.answer('submitExit', { kind: 'rejected', error: 'halted', refusedQty: '10' });
    const ctx = m.ctx();
    expect(JSON.parse(JSON.stringify(ctx))).toEqual(ctx);
    expect(structuredClone(ctx)).toEqual(ctx);
    expect(ctx).toMatchObject({ tradeId: 't-1', symbol: 'AAPL' });
  });

  it('says so when its inbox fails, and stays alive', () => {
    const m = run({ restored: 'open' });
    m.inbox.error(new Error('classify threw'));
    expect(m.calls).toContain('inboxFailed');
    expect(m.actor.getSnapshot().status).toBe('active');
    expect(m.value()).toEqual({ open: 'armed' });
  });

  it('fails loudly when an effect was not provided', () => {
    const bare = createActor(positionMachine, { input: INPUT });
    bare.subscribe({ error: () => undefined });
    bare.start();
    expect(bare.getSnapshot().status).toBe('error');
    expect(String(bare.getSnapshot().error)).toMatch(/position machine: (actor inbox|action inboxFailed) not provided/);
    const inbox = new Subject<PositionMachineEvent>();
    const partial = createActor(positionMachine.provide({ actors: { inbox: fromEventObservable(() => inbox) } }), { input: INPUT });
    partial.subscribe({ error: () => undefined });
    partial.start();
    inbox.next({ type: 'ENTRY_FILLED', done: true });
    expect(String(partial.getSnapshot().error)).toContain('position machine: action recordEntry not provided');
  });
});
