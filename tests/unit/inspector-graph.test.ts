/**
 * The inspector's machine graphs: the structure is read from any machine definition (nested
 * states, initial, final, events with guards, `after`, `always`, invoke onDone/onError, targetless
 * transitions), and the ELK layout puts every state in a box inside its parent's box, with one
 * labelled edge per source and target.
 */
import { describe, expect, it } from 'vitest';
import { fromPromise, setup } from 'xstate';
import { layoutMachines, type LayoutNode } from '../../src/service/inspector/graph-layout.js';
import { machineStructure } from '../../src/service/inspector/machine-graph.js';
import { botMachine } from '../../src/machines/bot.machine.js';
import { positionMachine } from '../../src/machines/position.machine.js';

const demo = setup({
  types: { events: {} as { type: 'GO' } | { type: 'NOTE' } | { type: 'STOP' } },
  actors: { send: fromPromise(async () => 'sent') },
  guards: { allowed: () => true, isLevel: (_, params: { level: number }) => params.level > 0 },
  actions: { note: () => undefined },
  delays: { RETRY: 1_000 },
}).createMachine({
  id: 'demo',
  initial: 'idle',
  states: {
    idle: { on: { GO: { target: 'working', guard: 'allowed' }, NOTE: { actions: 'note' } } },
    working: {
      initial: 'sending',
      on: { STOP: 'done' },
      states: {
        sending: { invoke: { src: 'send', onDone: '#demo.done', onError: 'waiting' } },
        waiting: { after: { RETRY: 'sending', 5000: { target: '#demo.idle', guard: { type: 'isLevel', params: { level: 2 } } } } },
      },
    },
    checking: { always: [{ target: 'done', guard: 'allowed' }, { target: 'idle' }] },
    done: { type: 'final' },
  },
});

describe('the machine structure', () => {
  it('reads nesting, initial and final states, and every kind of transition with its guard', () => {
    const s = machineStructure(demo);
    expect(s.machine).toBe('demo');
    expect(s.states[0]).toMatchObject({ id: '', key: 'demo', parent: null, type: 'compound', initial: 'idle' });
    expect(s.states.map((c) => [c.id, c.parent])).toEqual([
      ['', null], ['idle', ''], ['working', ''], ['working.sending', 'working'], ['working.waiting', 'working'], ['checking', ''], ['done', ''],
    ]);
    const state = (id: string) => s.states.find((c) => c.id === id)!;
    expect(state('working')).toMatchObject({ type: 'compound', initial: 'working.sending', key: 'working' });
    expect(state('working.sending').invokes).toEqual([expect.objectContaining({ src: 'send' })]);
    expect(state('done').type).toBe('final');
    const view = s.transitions.map((t) => ({ from: t.source, to: t.targets, kind: t.kind, label: t.label }));
    expect(view).toEqual(expect.arrayContaining([
      { from: 'idle', to: ['working'], kind: 'event', label: 'GO [allowed]' },
      { from: 'idle', to: [], kind: 'event', label: 'NOTE' },
      { from: 'working', to: ['done'], kind: 'event', label: 'STOP' },
      { from: 'working.sending', to: ['done'], kind: 'done', label: 'done: send' },
      { from: 'working.sending', to: ['working.waiting'], kind: 'error', label: 'error: send' },
      { from: 'working.waiting', to: ['working.sending'], kind: 'after', label: 'after RETRY' },
      { from: 'working.waiting', to: ['idle'], kind: 'after', label: 'after 5000 ms [isLevel(2)]' },
      { from: 'checking', to: ['done'], kind: 'always', label: 'always [allowed]' },
      { from: 'checking', to: ['idle'], kind: 'always', label: 'always' },
    ]));
    expect(s.transitions).toHaveLength(9);
    expect(s.transitions.find((t) => t.label === 'NOTE')!.actions).toEqual(['note']);
    expect(s.transitions.find((t) => t.label === 'after 5000 ms [isLevel(2)]')!.delay).toBe(5000);
  });

  it("shows an inline guard by its condition, and a guard it cannot read as 'inline guard'", () => {
    const inline = setup({
      types: { context: {} as { short: boolean }, events: {} as { type: 'GO' } },
      actors: { send: fromPromise(async () => ({ kind: 'accepted' as string })) },
    }).createMachine({
      id: 'inline',
      context: { short: false },
      initial: 'sending',
      states: {
        sending: {
          invoke: {
            src: 'send',
            onDone: [
              { guard: ({ event, context }) => event.output.kind === "accepted" && context.short, target: 'a' },
              { guard: ({ event }) => event.output !== null, target: 'b' },
              { guard: ({ event }) => { const kind = event.output.kind; return kind === 'x'; }, target: 'c' },
            ],
          },
        },
        a: {}, b: {}, c: {},
      },
    });
    expect(machineStructure(inline).transitions.map((t) => t.label)).toEqual([
      "done: send [kind === 'accepted' && short]", 'done: send [output !== null]', 'done: send [inline guard]',
    ]);
  });

  it('reads the real machines without knowing their states', () => {
    for (const machine of [botMachine, positionMachine]) {
      const s = machineStructure(machine);
      expect(s.states.filter((c) => c.parent === '').length).toBeGreaterThan(2);
      for (const t of s.transitions) expect(t.label.length).toBeGreaterThan(0);
    }
  });
});

describe('the layout', () => {
  it('boxes every state inside its parent, draws targetless transitions inside the box, and labels one edge per source and target', async () => {
    const [graph] = await layoutMachines([demo]);
    const { nodes, edges, width, height } = graph!.layout;
    const byId = new Map(nodes.map((n) => [n.id, n]));
    for (const id of ['', 'idle', 'working', 'working.sending', 'working.waiting', 'checking', 'done']) expect(byId.has(id), id).toBe(true);
    const inside = (inner: LayoutNode, outer: LayoutNode) =>
      inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width + 0.5 && inner.y + inner.height <= outer.y + outer.height + 0.5;
    expect(inside(byId.get('working.sending')!, byId.get('working')!)).toBe(true);
    expect(inside(byId.get('working')!, byId.get('')!)).toBe(true);
    expect(byId.get('')!.name).toBe('demo');
    expect(byId.get('idle')!.lines).toEqual(['NOTE / note']);
    expect(byId.get('working.sending')!.lines).toEqual(['invoke send']);
    // the initial markers of the root and of `working`
    expect(nodes.filter((n) => n.kind === 'initial').map((n) => n.id).sort()).toEqual(['initial:', 'initial:working']);
    const checking = edges.filter((e) => e.source === 'checking');
    expect(checking.map((e) => [e.target, e.label?.lines])).toEqual(expect.arrayContaining([['done', ['always [allowed]']], ['idle', ['always']]]));
    for (const e of edges) {
      expect(e.points.length).toBeGreaterThanOrEqual(2);
      for (const p of e.points) expect(p.x >= 0 && p.y >= 0 && p.x <= width && p.y <= height).toBe(true);
    }
  });

  it('merges the transitions between the same two states into one edge with a line each', async () => {
    const [bot] = await layoutMachines([botMachine]);
    const toCommitting = bot!.layout.edges.filter((e) => e.target === 'committing' && e.source === 'running');
    expect(toCommitting).toHaveLength(1);
    expect(toCommitting[0]!.label!.lines.length).toBeGreaterThan(1);
    expect(toCommitting[0]!.transitions).toHaveLength(toCommitting[0]!.label!.lines.length);
  });
});
