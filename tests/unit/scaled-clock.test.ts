import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { ScaledClock } from '../../src/clock/scaled.clock.js';

const START = Date.parse('2026-11-20T14:25:00Z'); // 09:25 New York

function settled(p: Promise<unknown>): () => boolean {
  let done = false;
  p.then(() => { done = true; }, () => { done = true; });
  return () => done;
}
const turn = () => new Promise<void>((r) => setImmediate(r));

describe('ScaledClock: N× a base clock from a chosen start', () => {
  it('reads the start, then the base time elapsed × speed', () => {
    const base = new ManualClock(1_000_000);
    const clock = new ScaledClock({ base, start: START, speed: 60 });
    expect(clock.now()).toBe(START);
    base.advance(1_000);
    expect(clock.now()).toBe(START + 60_000);
    base.advance(250);
    expect(clock.now()).toBe(START + 75_000);
  });

  it('a sleep waits ms ÷ speed of base time and resolves no earlier than its due time', async () => {
    const base = new ManualClock(0);
    const clock = new ScaledClock({ base, start: START, speed: 60 });
    const done = settled(clock.sleep(60_000)); // one minute here = 1 s of base time
    base.advance(999);
    await turn();
    expect(done()).toBe(false);
    base.advance(1);
    await turn();
    expect(done()).toBe(true);
    expect(clock.now()).toBeGreaterThanOrEqual(START + 60_000);
  });

  it('rounds a wait that is not a whole base millisecond up, never down', async () => {
    const base = new ManualClock(0);
    const clock = new ScaledClock({ base, start: START, speed: 60 });
    const done = settled(clock.sleep(90)); // 1.5 base ms
    base.advance(1);
    await turn();
    expect(done()).toBe(false);
    base.advance(1);
    await turn();
    expect(done()).toBe(true);
    expect(base.sleeps).toEqual([2]);
  });

  it('a sleep of 0 still takes one base sleep (a turn of the event loop on the system clock)', async () => {
    const base = new ManualClock(0);
    const clock = new ScaledClock({ base, start: START, speed: 10 });
    await clock.sleep(0);
    expect(base.sleeps).toEqual([0]);
  });

  it('an aborted sleep rejects with the reason, before or while it waits', async () => {
    const base = new ManualClock(0);
    const clock = new ScaledClock({ base, start: START, speed: 60 });
    const early = new AbortController();
    early.abort(new Error('stopped before'));
    await expect(clock.sleep(1_000, early.signal)).rejects.toThrow('stopped before');
    const late = new AbortController();
    const pending = clock.sleep(60_000, late.signal);
    late.abort(new Error('stopped while waiting'));
    await expect(pending).rejects.toThrow('stopped while waiting');
  });

  it('refuses a speed that is not a positive number, and a start that is not a time', () => {
    const base = new ManualClock(0);
    for (const speed of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => new ScaledClock({ base, start: START, speed })).toThrow(/speed/);
    expect(() => new ScaledClock({ base, start: Number.NaN, speed: 2 })).toThrow(/start/);
  });
});
