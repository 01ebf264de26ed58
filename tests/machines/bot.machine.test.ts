/**
 * The lifecycle statechart alone, with fake effects (no database, no broker): reconcile is a
 * deferred the test settles, persist records what it was asked to write (or fails on demand).
 * The context it keeps, the mode switch and the coverage of every transition: bot-machine-paths.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, waitFor } from 'xstate';
import type { BotState } from '../../src/domain/bot-config.js';
import { botMachine, isStarting, reportedState, type PersistInput, type ReconcileInput } from '../../src/machines/bot.machine.js';
import { driveTo, ev, harness } from '../support/bot-machine-harness.js';

describe('bot machine: restoring the persisted state', () => {
  it.each(['stopped', 'paused', 'halted'] as const)('comes back %s as it was, writing nothing', async (restored) => {
    const h = harness(restored);
    await h.settled();
    expect(h.state()).toBe(restored);
    expect(h.persisted).toEqual([]);
    expect(h.reconciles).toEqual([]);
  });

  it('restores running only after reconciliation succeeds, reporting stopped meanwhile', async () => {
    const h = harness('running');
    expect(h.actor.getSnapshot().matches('starting')).toBe(true);
    expect(h.state()).toBe('stopped');
    expect(h.reconciles[0]!.input.restoring).toBe(true);
    h.reconciles[0]!.resolve();
    await h.settled();
    expect(h.state()).toBe('running');
    expect(h.persisted).toEqual([expect.objectContaining({ from: 'running', to: 'running', restoring: true })]);
  });

  it('lets a stop cancel a restore, aborting the reconciliation', async () => {
    const h = harness('running');
    h.actor.send(ev.STOP);
    await h.settled();
    expect(h.state()).toBe('stopped');
    expect(h.reconciles[0]!.signal.aborted).toBe(true);
    expect(h.persisted).toEqual([expect.objectContaining({ from: 'running', to: 'stopped' })]);
  });
});

describe('bot machine: transitions', () => {
  it('starts only after reconciliation succeeds and persists stopped → running', async () => {
    const h = harness('stopped');
    h.actor.send(ev.START);
    expect(h.actor.getSnapshot().matches('starting')).toBe(true);
    expect(h.persisted).toEqual([]);
    h.reconciles[0]!.resolve();
    await h.settled();
    expect(h.state()).toBe('running');
    expect(h.persisted).toEqual([{ from: 'stopped', to: 'running', event: 'START', cause: 'test', reason: null, restoring: false }]);
  });

  it('returns to stopped with the reason when reconciliation fails', async () => {
    const h = harness('stopped');
    h.actor.send(ev.START);
    h.reconciles[0]!.reject(new Error('broker unreachable'));
    await h.settled();
    expect(h.state()).toBe('stopped');
    expect(h.actor.getSnapshot().context.lastError).toBe('broker unreachable');
    expect(h.persisted).toEqual([]);
  });

  it.each([
    ['running', 'PAUSE', 'paused'], ['paused', 'RESUME', 'running'], ['running', 'STOP', 'stopped'], ['paused', 'STOP', 'stopped'],
    ['stopped', 'HALT', 'halted'], ['running', 'HALT', 'halted'], ['paused', 'HALT', 'halted'], ['halted', 'ACKNOWLEDGE_HALT', 'stopped'],
  ] as const)('%s --%s--> %s, persisted with its cause', async (from, event, to) => {
    const h = await driveTo(from);
    h.actor.send(ev[event]);
    await h.settled();
    expect(h.state()).toBe(to);
    expect(h.persisted).toEqual([expect.objectContaining({ from, to, event, cause: 'test' })]);
  });

  it('carries the halt reason to persist', async () => {
    const h = await driveTo('running');
    h.actor.send(ev.HALT);
    await h.settled();
    expect(h.persisted[0]?.reason).toBe('breaker');
  });

  it('halts while starting, abandoning the reconciliation', async () => {
    const h = harness('stopped');
    h.actor.send(ev.START);
    h.actor.send(ev.HALT);
    await h.settled();
    expect(h.state()).toBe('halted');
    expect(h.reconciles[0]!.signal.aborted).toBe(true);
  });

  it('after acknowledging a halt, starts again', async () => {
    const h = harness('halted');
    h.actor.send(ev.ACKNOWLEDGE_HALT);
    await h.settled();
    h.actor.send(ev.START);
    h.reconciles[0]!.resolve();
    await h.settled();
    expect(h.state()).toBe('running');
  });

  it('stays where it was when persisting fails', async () => {
    const h = harness('paused', { failPersist: true });
    h.actor.send(ev.RESUME);
    await h.settled();
    expect(h.state()).toBe('paused');
    expect(h.actor.getSnapshot().context.lastError).toMatch(/database down/);
  });
});

describe('bot machine: refused events change nothing', () => {
  const refused: Record<BotState, (keyof typeof ev)[]> = {
    stopped: ['PAUSE', 'RESUME', 'STOP', 'ACKNOWLEDGE_HALT'],
    running: ['START', 'RESUME', 'ACKNOWLEDGE_HALT'],
    paused: ['START', 'PAUSE', 'ACKNOWLEDGE_HALT'],
    halted: ['START', 'PAUSE', 'RESUME', 'STOP', 'HALT'],
  };
  for (const [state, events] of Object.entries(refused) as [BotState, (keyof typeof ev)[]][]) {
    it.each(events)(`refuses %s in ${state}`, async (event) => {
      const h = await driveTo(state);
      const before = h.actor.getSnapshot();
      const reconcilesBefore = h.reconciles.length;
      expect(before.can(ev[event])).toBe(false);
      h.actor.send(ev[event]);
      const after = h.actor.getSnapshot();
      expect(after.value).toEqual(before.value);
      expect(h.persisted).toEqual([]);
      expect(h.reconciles.length).toBe(reconcilesBefore);
    });
  }

  it.each(['START', 'PAUSE', 'RESUME', 'ACKNOWLEDGE_HALT'] as const)('refuses %s while starting', (event) => {
    const h = harness('stopped');
    h.actor.send(ev.START);
    expect(h.actor.getSnapshot().can(ev[event])).toBe(false);
    h.actor.send(ev[event]);
    expect(h.actor.getSnapshot().matches('starting')).toBe(true);
    expect(h.reconciles.length).toBe(1);
  });
});

describe('bot machine: the status while a start is being written', () => {
  it('still reports starting after reconciliation, until running is persisted', async () => {
    let release: () => void = () => undefined;
    const machine = botMachine.provide({
      actors: {
        reconcile: fromPromise<void, ReconcileInput>(async () => undefined),
        persist: fromPromise<void, PersistInput>(() => new Promise<void>((resolve) => { release = resolve; })),
      },
    });
    const actor = createActor(machine, { input: { restored: 'running' } }).start();
    const committing = await waitFor(actor, (s) => s.matches('committing'));
    expect(reportedState(committing)).toBe('stopped');
    expect(isStarting(committing)).toBe(true);
    release();
    const running = await waitFor(actor, (s) => s.matches('running'));
    expect(isStarting(running)).toBe(false);
  });
});
