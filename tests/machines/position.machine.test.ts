import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { positionMachine, restoredSnapshot, type PositionEffects, type PositionStatus } from '../../src/machines/position.machine.js';

function run(status: PositionStatus = 'pending_entry') {
  const calls: string[] = [];
  const reasons: string[] = [];
  const effects: PositionEffects = {
    recordEntry: () => calls.push('recordEntry'), recordCancelled: () => calls.push('recordCancelled'), cancelEntry: () => calls.push('cancelEntry'),
    startExit: (exit) => { calls.push('startExit'); reasons.push(exit.reason); }, recordClosed: () => calls.push('recordClosed'),
  };
  const input = { effects };
  const actor = createActor(positionMachine, status === 'pending_entry' ? { input } : { input, snapshot: restoredSnapshot(status, input) }).start();
  return { actor, calls, reasons, state: () => String(actor.getSnapshot().value) };
}

const EXIT = { type: 'EXIT', reason: 'hard_stop', price: 92, detail: 'stop' } as const;

describe('position machine', () => {
  it('opens on the first entry fill and records every later fill', () => {
    const m = run();
    m.actor.send({ type: 'ENTRY_FILLED', done: false });
    m.actor.send({ type: 'ENTRY_FILLED', done: true });
    expect(m.state()).toBe('open');
    expect(m.calls).toEqual(['recordEntry', 'recordEntry']);
  });

  it('is cancelled when the entry ends with nothing filled', () => {
    const m = run();
    m.actor.send({ type: 'ENTRY_ENDED', reason: 'entry order rejected' });
    expect(m.state()).toBe('cancelled');
    expect(m.actor.getSnapshot().status).toBe('done');
    expect(m.calls).toEqual(['recordCancelled']);
  });

  it('runs pending_entry → open → exiting → closed, handing the exit reason to the exit effect', () => {
    const m = run();
    m.actor.send({ type: 'ENTRY_FILLED', done: true });
    m.actor.send(EXIT);
    expect(m.state()).toBe('exiting');
    expect(m.reasons).toEqual(['hard_stop']);
    m.actor.send({ type: 'EXIT_FILLED' });
    expect(m.state()).toBe('closed');
    expect(m.calls).toEqual(['recordEntry', 'startExit', 'recordClosed']);
  });

  it('exits only once: a second EXIT changes nothing', () => {
    const m = run('open');
    m.actor.send(EXIT);
    m.actor.send({ ...EXIT, reason: 'kill_switch' });
    expect(m.calls.filter((c) => c === 'startExit')).toHaveLength(1);
    expect(m.reasons).toEqual(['hard_stop']);
  });

  it('cancels the entry on a kill switch before the first fill, and exits as soon as a late fill opens it', () => {
    const m = run();
    m.actor.send({ ...EXIT, reason: 'kill_switch' });
    expect(m.state()).toBe('pending_entry');
    expect(m.calls).toEqual(['cancelEntry']);
    m.actor.send({ type: 'ENTRY_FILLED', done: true });
    expect(m.state()).toBe('exiting');
    expect(m.reasons).toEqual(['kill_switch']);
    expect(m.calls).toEqual(['cancelEntry', 'recordEntry', 'startExit']);
  });

  it('resumes a restored trade in its persisted state without re-running earlier effects', () => {
    const open = run('open');
    expect(open.state()).toBe('open');
    const exiting = run('exiting');
    expect(exiting.state()).toBe('exiting');
    exiting.actor.send(EXIT);
    expect(exiting.calls).toEqual([]);
    exiting.actor.send({ type: 'EXIT_FILLED' });
    expect(exiting.state()).toBe('closed');
  });

  it('ignores an exit fill before any exit was decided', () => {
    const m = run('open');
    m.actor.send({ type: 'EXIT_FILLED' });
    expect(m.state()).toBe('open');
  });
});
