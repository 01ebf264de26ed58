import { describe, expect, it } from 'vitest';
import { intrabarPath } from '../../src/core/backtest/intrabar-path.js';

const t = Date.parse('2026-11-20T14:31:00Z');

describe('intrabarPath: open → nearer extreme → other extreme → close', () => {
  it('goes to the low first when the open is nearer the low', () => {
    expect(intrabarPath({ t, o: 10.1, h: 10.8, l: 10.0, c: 10.5 })).toEqual([
      { t, price: 10.1 }, { t: t + 15_000, price: 10.0 }, { t: t + 30_000, price: 10.8 }, { t: t + 45_000, price: 10.5 },
    ]);
  });

  it('goes to the high first when the open is nearer the high', () => {
    expect(intrabarPath({ t, o: 10.7, h: 10.8, l: 10.0, c: 10.2 }).map((p) => p.price)).toEqual([10.7, 10.8, 10.0, 10.2]);
  });

  it('takes the low first when the open is as far from both (a long meets its stop before its target)', () => {
    expect(intrabarPath({ t, o: 10.4, h: 10.8, l: 10.0, c: 10.4 }).map((p) => p.price)).toEqual([10.4, 10.0, 10.8, 10.4]);
  });

  it('stays within the minute with rising times, within the range, touching both extremes', () => {
    const bars = [{ t, o: 5, h: 5, l: 5, c: 5 }, { t, o: 1.23, h: 1.5, l: 1.1, c: 1.49 }, { t, o: 200, h: 201, l: 199.5, c: 199.5 }];
    for (const bar of bars) {
      const path = intrabarPath(bar);
      expect(path).toHaveLength(4);
      for (let i = 1; i < path.length; i++) expect(path[i]!.t).toBeGreaterThan(path[i - 1]!.t);
      expect(path.at(-1)!.t).toBeLessThan(t + 60_000);
      for (const p of path) {
        expect(p.price).toBeGreaterThanOrEqual(bar.l);
        expect(p.price).toBeLessThanOrEqual(bar.h);
      }
      expect(path.map((p) => p.price)).toEqual(expect.arrayContaining([bar.h, bar.l]));
      expect(path[0]!.price).toBe(bar.o);
      expect(path[3]!.price).toBe(bar.c);
    }
  });
});
