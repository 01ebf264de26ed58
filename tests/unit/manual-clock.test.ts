import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manual.clock.js';

describe('ManualClock', () => {
  it('fires sleeps in due order only when time is moved past them', async () => {
    const clock = new ManualClock('2026-11-23T15:00:00Z');
    const fired: string[] = [];
    const late = clock.sleep(2_000).then(() => fired.push('late'));
    const early = clock.sleep(1_000).then(() => fired.push('early'));
    clock.advance(999);
    await Promise.resolve();
    expect(fired).toEqual([]);
    clock.advance(1_001);
    await Promise.all([early, late]);
    expect(fired).toEqual(['early', 'late']);
    expect(clock.pending).toBe(0);
  });

  it('resolves a sleep that is already due (0 ms) without waiting for an advance', async () => {
    const clock = new ManualClock('2026-11-23T15:00:00Z');
    await expect(clock.sleep(0)).resolves.toBeUndefined();
    expect(clock.now()).toBe(Date.parse('2026-11-23T15:00:00Z'));
  });

  it('with autoAdvance, moves time by each sleep and records it', async () => {
    const clock = new ManualClock('2026-11-23T15:00:00Z', true);
    const [first, second] = [500, 1_500]; // virtual: autoAdvance moves the clock, nothing waits
    await clock.sleep(first);
    await clock.sleep(second);
    expect(clock.sleeps).toEqual([500, 1_500]);
    expect(clock.now() - Date.parse('2026-11-23T15:00:00Z')).toBe(2_000);
  });

  it('rejects an aborted sleep and refuses to go back in time', async () => {
    const clock = new ManualClock('2026-11-23T15:00:00Z');
    const abort = new AbortController();
    const sleeping = clock.sleep(1_000, abort.signal);
    abort.abort(new Error('stopped'));
    await expect(sleeping).rejects.toThrow('stopped');
    expect(() => clock.set('2026-11-23T14:00:00Z')).toThrow(/back in time/);
  });

  it('lets go of the abort listener when a sleep fires (a periodic job reuses one signal for every sleep)', async () => {
    const clock = new ManualClock();
    const abort = new AbortController();
    for (let i = 0; i < 20; i++) {
      const sleeping = clock.sleep(1_000, abort.signal);
      clock.advance(1_000);
      await sleeping;
    }
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(0);
    const last = clock.sleep(1_000, abort.signal);
    expect(getEventListeners(abort.signal, 'abort')).toHaveLength(1);
    abort.abort(new Error('stopped'));
    await expect(last).rejects.toThrow('stopped');
  });
});
