/** The position machine's protective-stop region (tests/support/position-machine-rig.ts, stops under test). */
import { describe, expect, it } from 'vitest';
import { EXIT, run } from '../support/position-machine-rig.js';

const open = (stop: string, exit = 'armed') => ({ open: { exit, stop } });

describe('position machine: the protective stop', () => {
  it('syncs when the position opens, and again when the entry fills further', async () => {
    const m = run({}, { stops: true });
    m.send({ type: 'ENTRY_FILLED', done: false });
    expect(m.value()).toEqual(open('syncing'));
    await m.answer('syncStop', { kind: 'none', why: 'the entry order is still working' });
    expect(m.value()).toEqual(open('unprotected'));
    expect(m.ctx().stopWhy).toBe('the entry order is still working');
    m.send({ type: 'ENTRY_FILLED', done: true });
    expect(m.value()).toEqual(open('syncing'));
    await m.answer('syncStop', { kind: 'protected' });
    expect(m.value()).toEqual(open('protected'));
    expect(m.ctx().stopWhy).toBeNull();
    expect(m.calls).toEqual(['recordEntry', 'recordEntry']);
  });

  it('a change while syncing starts the sync over (the step converges from what the broker holds)', async () => {
    const m = run({ restored: 'open' }, { stops: true });
    m.send({ type: 'STOP_CHANGED' });
    expect(m.pendingSteps()).toEqual(['syncStop', 'syncStop']);
    // the first sync's answer is no longer listened to; the second is
    m.answerStale('syncStop', { kind: 'failed', why: 'stale' });
    await Promise.resolve();
    expect(m.value()).toEqual(open('syncing'));
    await m.answer('syncStop', { kind: 'protected' });
    expect(m.value()).toEqual(open('protected'));
  });

  it('a refusal is journaled and tried again after the stop retry wait', async () => {
    const m = run({ restored: 'open' }, { stops: true });
    await m.answer('syncStop', { kind: 'failed', why: 'the broker refused the protective stop: 403' });
    expect(m.value()).toEqual(open('retryWait'));
    expect(m.calls).toContain('stopMissing');
    m.clock.increment(29_999);
    expect(m.value()).toEqual(open('retryWait'));
    m.clock.increment(1);
    expect(m.value()).toEqual(open('syncing'));
  });

  it('a stop that expired at the close is placed again at once; one cancelled outside Keel after the wait', async () => {
    const m = run({ restored: 'open' }, { stops: true });
    await m.answer('syncStop', { kind: 'protected' });
    m.send({ type: 'STOP_ENDED', why: 'protective stop k-s1 expired', retryNow: true });
    expect(m.value()).toEqual(open('syncing'));
    await m.answer('syncStop', { kind: 'protected' });
    m.send({ type: 'STOP_ENDED', why: 'protective stop k-s2 canceled', retryNow: false });
    expect(m.value()).toEqual(open('retryWait'));
    expect(m.ctx().stopWhy).toBe('protective stop k-s2 canceled');
  });

  it("the broker's stop selling everything closes the trade broker_stop; Keel's exit rules stop", async () => {
    const m = run({ restored: 'open' }, { stops: true });
    await m.answer('syncStop', { kind: 'protected' });
    m.send({ type: 'STOP_FILLED', price: 92.9, done: true, reason: 'broker_stop' });
    expect(m.value()).toBe('closed');
    expect(m.ctx().intent).toMatchObject({ reason: 'broker_stop', price: 92.9 });
    expect(m.calls).toEqual(['arm', 'disarm', 'recordStopExit', 'recordClosed']);
    m.send(EXIT);
    expect(m.value()).toBe('closed');
  });

  it("a partial fill of the broker's stop makes it the exit: awaiting its fill, a short end sells the rest", async () => {
    const m = run({ restored: 'open' }, { stops: true });
    await m.answer('syncStop', { kind: 'protected' });
    m.send({ type: 'STOP_FILLED', price: 92.9, done: false, reason: 'broker_stop' });
    expect(m.value()).toEqual({ exiting: 'awaitingFill' });
    expect(m.ctx()).toMatchObject({ intent: { reason: 'broker_stop' }, attempt: 1, recorded: true });
    m.send(EXIT); // Keel's own rule, too late: the exit is decided
    expect(m.value()).toEqual({ exiting: 'awaitingFill' });
    m.send({ type: 'EXIT_SHORT', why: 'protective stop expired' });
    expect(m.value()).toEqual({ exiting: 'retryWait' });
  });

  it("Keel's own exit goes through cancellingOwnOrders while a stop may be live, straight to the sell when none", async () => {
    const live = run({ restored: 'open' }, { stops: true, stopLive: true });
    await live.answer('syncStop', { kind: 'protected' });
    live.send(EXIT);
    expect(live.value()).toEqual({ exiting: 'cancellingOwnOrders' });
    await live.answer('cancelOwnOrders', undefined);
    expect(live.value()).toEqual({ exiting: 'submitting' });

    const none = run({ restored: 'open' }, { stops: true });
    await none.answer('syncStop', { kind: 'none', why: 'broker stops are off' });
    none.send(EXIT);
    expect(none.value()).toEqual({ exiting: 'submitting' });
  });

  it('ignores stop events once exiting (the exit cancelled the stop; its fills count with the exit)', async () => {
    const m = run({ restored: 'open' }, { stops: true, stopLive: true });
    await m.answer('syncStop', { kind: 'protected' });
    m.send(EXIT);
    m.send({ type: 'STOP_ENDED', why: 'canceled', retryNow: true });
    m.send({ type: 'STOP_FILLED', price: 92, done: false, reason: 'broker_stop' });
    m.send({ type: 'STOP_CHANGED' });
    expect(m.value()).toEqual({ exiting: 'cancellingOwnOrders' });
  });
});
