import { describe, expect, it } from 'vitest';
import { BarTape } from '../../src/adapters/sim/market/bar-tape.js';
import type { Bar } from '../../src/domain/market-data.js';

const T0 = Date.parse('2026-11-20T15:00:00Z');
const bar = (symbol: string, minute: number, o: number, h: number, l: number, c: number): Bar => ({ symbol, t: T0 + minute * 60_000, o, h, l, c, v: 100, n: null, vw: null });

describe('BarTape (recorded bars as prices)', () => {
  const tape = new BarTape([bar('BBB', 0, 20, 21, 19, 20.5), bar('AAA', 1, 10, 10.5, 9.8, 10.2), bar('AAA', 0, 10, 10.1, 9.9, 10)]);

  it('holds every intrabar point of every symbol in one timeline, in time order (ties by symbol)', () => {
    const points = [...tape.times].map((t, i) => `${(t - T0) / 1000}s ${tape.symbols[tape.symbolOf[i]!]} ${tape.prices[i]}`);
    expect(points).toEqual([
      '0s AAA 10', '0s BBB 20', '15s AAA 9.9', '15s BBB 19', '30s AAA 10.1', '30s BBB 21', '45s AAA 10', '45s BBB 20.5',
      '60s AAA 10', '75s AAA 9.8', '90s AAA 10.5', '105s AAA 10.2',
    ]);
    expect(tape.barCount).toBe(3);
    expect([tape.start, tape.end]).toEqual([T0, T0 + 105_000]);
  });

  it('prices a symbol at its last point at or before t (before its first bar: that bar\'s open)', () => {
    expect(tape.priceAt('AAA', T0 - 1)).toBe(10);
    expect(tape.priceAt('AAA', T0 + 29_999)).toBe(9.9); // a tie between the extremes: the low first
    expect(tape.priceAt('AAA', T0 + 75_000)).toBe(9.8);
    expect(tape.priceAt('AAA', T0 + 999_999)).toBe(10.2);
    expect(tape.priceAt('ZZZ', T0)).toBeNull();
  });

  it('finds the next point after t and the prices between two times', () => {
    expect(tape.nextPointAfter('AAA', T0)).toBe(T0 + 15_000);
    expect(tape.nextPointAfter('AAA', T0 + 105_000)).toBeNull();
    expect(tape.pricesBetween('AAA', T0 + 15_000, T0 + 75_000)).toEqual([10.1, 10, 10, 9.8]);
    expect(tape.indexAfter(T0 + 45_000)).toBe(8);
  });

  it('answers the recorded bars of a symbol in a time range', () => {
    expect(tape.bars('AAA', T0 + 1, T0 + 60_000).map((b) => b.t)).toEqual([T0 + 60_000]);
    expect(tape.bars('AAA', T0, T0 + 60_000)).toHaveLength(2);
    expect(tape.bars('BBB', T0 + 60_000, T0 + 120_000)).toEqual([]);
  });

  it('refuses a bar off the minute, a repeated minute, and no bars at all', () => {
    expect(() => new BarTape([{ ...bar('AAA', 0, 1, 1, 1, 1), t: T0 + 1_000 }])).toThrow(/whole minute/);
    expect(() => new BarTape([bar('AAA', 0, 1, 1, 1, 1), bar('AAA', 0, 2, 2, 2, 2)])).toThrow(/two bars of AAA/);
    expect(() => new BarTape([])).toThrow(/at least one bar/);
  });
});
