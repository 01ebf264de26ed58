/** The position machine's restore paths, its data-only context and its loud defaults (tests/support/position-machine-rig.ts). */
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createActor, fromEventObservable } from 'xstate';
import { positionMachine, type PositionMachineEvent } from '../../src/machines/position.machine.js';
import { EXIT, INPUT, run, submitting } from '../support/position-machine-rig.js';

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
