/** Every state and transition of the position machine's entry and exit (tests/support/position-machine-rig.ts). */
import { describe, expect, it } from 'vitest';
import { MAX_EXIT_ATTEMPTS } from '../../src/machines/position.machine.js';
import { EXIT, run, submitting } from '../support/position-machine-rig.js';

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
