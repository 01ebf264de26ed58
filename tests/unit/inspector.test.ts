/**
 * The inspector's observer: normalised events from a real small machine (nested states, an invoked
 * promise, an `after` delay on XState's SimulatedClock, a final state), the live actor list, the
 * bounded ring with its resume and its gap, lazy JSON, and that a defect in the observer never
 * reaches the machine. Also fed hand-made inspection events for the edges a machine rarely shows.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, setup, SimulatedClock, type InspectionEvent } from 'xstate';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { activeStates, createInspector, type InspectorEvent } from '../../src/service/inspector/inspector.js';

const retryMachine = setup({
  types: { context: {} as { tradeId: string; symbol: string }, input: {} as { tradeId: string; symbol: string }, events: {} as { type: 'GO' } | { type: 'IGNORED' } },
  actors: { send: fromPromise<string>(async () => { throw new Error('not provided'); }) },
  delays: { RETRY: 1_000 },
}).createMachine({
  id: 'demo',
  context: ({ input }) => input,
  initial: 'idle',
  states: {
    idle: { on: { GO: 'working' } },
    working: {
      initial: 'sending',
      states: {
        sending: { invoke: { src: 'send', onDone: '#demo.done', onError: 'waiting' } },
        waiting: { after: { RETRY: 'sending' } },
      },
    },
    done: { type: 'final' },
  },
});

function start(opts: { capacity?: number; sendResults: Array<'ok' | 'fail'> }) {
  const clock = new ManualClock(1_000);
  const inspector = createInspector({ clock, capacity: opts.capacity ?? 100, machineOrder: ['bot', 'demo'] });
  const recorded: InspectorEvent[] = [];
  inspector.events$.subscribe((e) => recorded.push(e));
  const results = [...opts.sendResults];
  const machine = retryMachine.provide({
    actors: { send: fromPromise<string>(async () => { if (results.shift() === 'fail') throw new Error('refused'); return 'sent'; }) },
  });
  const xclock = new SimulatedClock();
  const actor = createActor(machine, { id: 'position:t-1', input: { tradeId: 't-1', symbol: 'AAPL' }, inspect: inspector.observer, clock: xclock });
  return { inspector, recorded, actor, xclock, clock };
}

const settle = () => new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => Promise.resolve());

async function flush(): Promise<void> {
  // the invoked promise settles on the microtask queue: a few turns are enough for it and its onDone
  for (let i = 0; i < 5; i++) await settle();
}

describe('the inspector observer', () => {
  it('records the start, every transition taken (nested, invoked, delayed) and the final status, with increasing sequence numbers', async () => {
    const { inspector, recorded, actor, xclock } = start({ sendResults: ['fail', 'ok'] });
    actor.start();
    expect(recorded.map((e) => [e.kind, e.event, e.state])).toEqual([['started', 'xstate.init', ['idle']]]);
    expect(inspector.actors()).toEqual([expect.objectContaining({ id: 'position:t-1', machine: 'demo', parentId: null, state: ['idle'], status: 'active', tradeId: 't-1', symbol: 'AAPL' })]);

    actor.send({ type: 'IGNORED' });
    expect(recorded).toHaveLength(1);

    actor.send({ type: 'GO' });
    expect(recorded.at(-1)).toMatchObject({ kind: 'transition', event: 'GO', state: ['working.sending'], transitions: [{ source: 'idle', targets: ['working'], event: 'GO' }] });
    await flush();
    expect(recorded.at(-1)).toMatchObject({ kind: 'transition', state: ['working.waiting'], transitions: [{ source: 'working.sending', targets: ['working.waiting'] }] });
    expect(recorded.at(-1)!.event).toMatch(/^xstate\.error\.actor\./);
    expect(inspector.actors()[0]!.state).toEqual(['working.waiting']);

    xclock.increment(1_000);
    expect(recorded.at(-1)).toMatchObject({ kind: 'transition', state: ['working.sending'], transitions: [{ source: 'working.waiting', targets: ['working.sending'] }] });
    expect(recorded.at(-1)!.event).toMatch(/^xstate\.after\.RETRY\./);
    await flush();
    const last = recorded.slice(-2);
    expect(last.map((e) => [e.kind, e.state, e.status])).toEqual([['transition', ['done'], 'active'], ['status', ['done'], 'done']]);
    expect(inspector.actors()).toEqual([]);
    expect(recorded.map((e) => e.seq)).toEqual(recorded.map((_, i) => i + 1));
    expect(inspector.lastSeq()).toBe(recorded.length);
  });

  it('records a stop and forgets the actor, and lists the machines in the order given', () => {
    const clock = new ManualClock(5_000);
    const inspector = createInspector({ clock, machineOrder: ['bot', 'demo'] });
    const demo = createActor(retryMachine, { id: 'position:t-9', input: { tradeId: 't-9', symbol: 'MSFT' }, inspect: inspector.observer }).start();
    const bot = createActor(setup({}).createMachine({ id: 'bot', initial: 'stopped', states: { stopped: {} } }), { id: 'bot', inspect: inspector.observer }).start();
    expect(inspector.actors().map((a) => a.id)).toEqual(['bot', 'position:t-9']);
    expect(inspector.actors()[0]).toMatchObject({ tradeId: null, symbol: null, since: 5_000 });
    demo.stop();
    expect(inspector.actors().map((a) => a.id)).toEqual(['bot']);
    expect(inspector.since(0)).not.toBe('gap');
    const events = inspector.since(0) as InspectorEvent[];
    expect(events.at(-1)).toMatchObject({ actorId: 'position:t-9', kind: 'status', status: 'stopped', event: 'xstate.stop' });
    bot.stop();
  });

  it('keeps only the newest `capacity` events: a resume within them gets exactly what it missed, one before them is told of the gap', () => {
    const { inspector, actor } = start({ capacity: 3, sendResults: [] });
    actor.start();
    for (let i = 0; i < 2; i++) actor.send({ type: 'GO' });
    // started (1), GO (2); the second GO is ignored in `working`
    expect(inspector.lastSeq()).toBe(2);
    actor.stop();
    expect(inspector.lastSeq()).toBe(3);
    const more = createActor(retryMachine, { id: 'other', input: { tradeId: 'x', symbol: 'X' }, inspect: inspector.observer }).start();
    more.send({ type: 'GO' });
    expect(inspector.lastSeq()).toBe(5);
    expect(inspector.firstSeq()).toBe(3);
    expect((inspector.since(2) as InspectorEvent[]).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect((inspector.since(4) as InspectorEvent[]).map((e) => e.seq)).toEqual([5]);
    expect(inspector.since(5)).toEqual([]);
    expect(inspector.since(1)).toBe('gap');
    // an id from an earlier process (ahead of this one's newest) cannot be resumed either
    expect(inspector.since(99)).toBe('gap');
    more.stop();
  });

  it('serializes an event only when asked, and then once', () => {
    const { inspector, recorded, actor } = start({ sendResults: [] });
    actor.start();
    const event = recorded[0]!;
    const text = inspector.json(event);
    expect(JSON.parse(text)).toEqual(event);
    expect(inspector.json(event)).toBe(text);
    actor.stop();
  });

  it('never throws into XState: a malformed inspection event is counted and reported once, and the machine goes on', () => {
    const warnings: string[] = [];
    const inspector = createInspector({ clock: new ManualClock(0), warn: (message) => warnings.push(message) });
    const broken = { type: '@xstate.microstep', actorRef: { id: 'x', sessionId: 'x:1', logic: { id: 'm', root: {} } }, event: { type: 'GO' }, snapshot: { value: 'a' }, _transitions: null, rootId: 'x:1' };
    for (let i = 0; i < 3; i++) expect(() => inspector.observer.next(broken as unknown as InspectionEvent)).not.toThrow();
    expect(inspector.failures()).toBe(3);
    expect(warnings).toHaveLength(1);

    const actor = createActor(retryMachine, { input: { tradeId: 't', symbol: 'S' }, inspect: (e) => { inspector.observer.next(e); inspector.observer.next(broken as unknown as InspectionEvent); } }).start();
    actor.send({ type: 'GO' });
    expect(actor.getSnapshot().value).toEqual({ working: 'sending' });
    actor.stop();
  });

  it('ignores actors that are not state machines and events other than steps and snapshots', () => {
    const inspector = createInspector({ clock: new ManualClock(0) });
    const promiseRef = { id: 'p', sessionId: 'x:2', logic: { transition: () => undefined } };
    inspector.observer.next({ type: '@xstate.snapshot', actorRef: promiseRef, event: { type: 'xstate.init' }, snapshot: { status: 'done' }, rootId: 'x:2' } as unknown as InspectionEvent);
    inspector.observer.next({ type: '@xstate.event', actorRef: promiseRef, sourceRef: undefined, event: { type: 'GO' }, rootId: 'x:2' } as unknown as InspectionEvent);
    expect(inspector.lastSeq()).toBe(0);
    expect(inspector.actors()).toEqual([]);
  });

  it('names the active states of any state value by their paths', () => {
    expect(activeStates('open')).toEqual(['open']);
    expect(activeStates({ exiting: 'submitting' })).toEqual(['exiting.submitting']);
    expect(activeStates({ a: { b: 'c' }, d: 'e' })).toEqual(['a.b.c', 'd.e']);
    expect(activeStates({ a: {} })).toEqual(['a']);
    expect(activeStates(undefined)).toEqual([]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => createInspector({ clock: new ManualClock(0), capacity: 0 })).toThrow(/positive integer/);
  });
});
