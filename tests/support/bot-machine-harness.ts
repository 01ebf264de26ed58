/**
 * The bot machine alone, with fake effects (no database, no broker): reconcile and switchMode are
 * deferreds the test settles, persist records what it was asked to write (or fails on demand).
 * Every actor runs on XState's SimulatedClock, so a delayed transition could only fire when a test
 * advances it, and records each transition it takes (XState's `inspect` microsteps) for the
 * coverage check of tests/machines/bot-machine-paths.test.ts.
 */
import { createActor, fromPromise, SimulatedClock, waitFor, type AnyTransitionDefinition, type StateNode } from 'xstate';
import type { BotState } from '../../src/domain/bot-config.js';
import { botMachine, isSettling, reportedState, type BotEvent, type PersistInput, type ReconcileInput, type SwitchModeInput } from '../../src/machines/bot.machine.js';

export interface Deferred<I> { resolve: () => void; reject: (e: unknown) => void; input: I; signal: AbortSignal }

export const ev = {
  START: { type: 'START', cause: 'test' },
  PAUSE: { type: 'PAUSE', cause: 'test' },
  RESUME: { type: 'RESUME', cause: 'test' },
  STOP: { type: 'STOP', cause: 'test' },
  HALT: { type: 'HALT', cause: 'test', reason: 'breaker' },
  ACKNOWLEDGE_HALT: { type: 'ACKNOWLEDGE_HALT', cause: 'test' },
  SWITCH_MODE: { type: 'SWITCH_MODE', cause: 'test', from: 'paper', to: 'live' },
  RECONCILED: { type: 'RECONCILED', cause: 'test' },
  RECONCILE_FAILED: { type: 'RECONCILE_FAILED', cause: 'test' },
} satisfies { [K in BotEvent['type']]: Extract<BotEvent, { type: K }> };

/** a transition definition as text: source, event, targets and guard */
export function transitionKey(t: AnyTransitionDefinition): string {
  const guard = t.guard === undefined ? '' : ` [${typeof t.guard === 'object' ? JSON.stringify(t.guard) : String(t.guard)}]`;
  return `${t.source.id} --${t.eventType}--> ${(t.target ?? []).map((n) => n.id).join(',') || '(stays)'}${guard}`;
}

/** every transition the machine defines, `always` ones included */
export function allTransitions(node: StateNode<any, any> = botMachine.root): string[] {
  const own = [...node.transitions.values()].flat().concat(node.always ?? []).map(transitionKey);
  return own.concat(Object.values(node.states).flatMap((child) => allTransitions(child as StateNode<any, any>)));
}

export const taken = new Set<string>();

export function harness(restored: BotState, opts: { failPersist?: boolean } = {}) {
  const persisted: PersistInput[] = [];
  const reconciles: Deferred<ReconcileInput>[] = [];
  const switches: Deferred<SwitchModeInput>[] = [];
  const failPersist = { value: opts.failPersist ?? false };
  const clock = new SimulatedClock();
  const machine = botMachine.provide({
    actors: {
      reconcile: fromPromise<void, ReconcileInput>(({ input, signal }) => new Promise<void>((resolve, reject) => { reconciles.push({ resolve, reject, input, signal }); })),
      switchMode: fromPromise<void, SwitchModeInput>(({ input, signal }) => new Promise<void>((resolve, reject) => { switches.push({ resolve, reject, input, signal }); })),
      persist: fromPromise<void, PersistInput>(async ({ input }) => {
        if (failPersist.value) throw new Error('database down');
        persisted.push(input);
      }),
    },
  });
  const actor = createActor(machine, {
    input: { restored }, clock,
    inspect: (e) => { if (e.type === '@xstate.microstep') for (const t of e._transitions) taken.add(transitionKey(t)); },
  }).start();
  const settled = () => waitFor(actor, (s) => !isSettling(s));
  const state = () => reportedState(actor.getSnapshot());
  return { actor, clock, persisted, reconciles, switches, failPersist, settled, state };
}

export type BotHarness = ReturnType<typeof harness>;

/** a settled actor in `target`, its effects' records emptied */
export async function driveTo(target: BotState): Promise<BotHarness> {
  const h = harness(target === 'running' ? 'stopped' : target);
  if (target === 'running') {
    h.actor.send(ev.START);
    h.reconciles[0]!.resolve();
    await h.settled();
    h.persisted.length = 0;
    h.reconciles.length = 0;
  }
  return h;
}
