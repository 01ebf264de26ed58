import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock/virtual.clock.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('VirtualClock (a backtest\'s discrete-event time)', () => {
  it('stands still until told, then fires the sleeps due in due order (ties in the order asked)', async () => {
    const clock = new VirtualClock(1_000);
    const fired: string[] = [];
    void clock.sleep(300).then(() => fired.push('c'));
    void clock.sleep(100).then(() => fired.push('a'));
    void clock.sleep(100).then(() => fired.push('b'));
    await flush();
    expect(fired).toEqual([]);
    expect(clock.nextDue()).toBe(1_100);
    clock.advanceTo(1_100);
    await flush();
    expect(fired).toEqual(['a', 'b']);
    expect(clock.now()).toBe(1_100);
    expect(clock.nextDue()).toBe(1_300);
    clock.advanceTo(1_300);
    await flush();
    expect(fired).toEqual(['a', 'b', 'c']);
    expect(clock.nextDue()).toBeNull();
  });

  it('refuses to go back, and to jump over a sleep still due', () => {
    const clock = new VirtualClock(1_000);
    void clock.sleep(50);
    expect(() => clock.advanceTo(999)).toThrow(/back in time/);
    expect(() => clock.advanceTo(1_051)).toThrow(/jump over a timer due at 1050/);
    clock.advanceTo(1_050);
    clock.advanceTo(5_000);
    expect(clock.now()).toBe(5_000);
  });

  it('forgets an aborted sleep: it rejects with the reason and holds no timer', async () => {
    const clock = new VirtualClock(0);
    const abort = new AbortController();
    const slept = clock.sleep(100, abort.signal);
    abort.abort(new Error('stop'));
    await expect(slept).rejects.toThrow('stop');
    expect(clock.nextDue()).toBeNull();
    expect(clock.pending).toBe(0);
    await expect(clock.sleep(10, abort.signal)).rejects.toThrow('stop');
  });

  it('resolves a sleep of zero at once, and counts every use in `activity`', async () => {
    const clock = new VirtualClock(0);
    const before = clock.activity;
    await clock.sleep(0);
    void clock.sleep(10);
    clock.advanceTo(10);
    expect(clock.activity).toBe(before + 3);
  });
});
