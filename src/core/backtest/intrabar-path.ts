/**
 * A 1-minute bar as the prices a backtest feeds through the live price streams: the documented
 * intrabar path open → the extreme nearer the open → the other extreme → close, at the bar's start
 * and 15, 30 and 45 seconds into it. A long position's stop (below) and target (above) are both
 * met in the order a trader would guess from the bar; when the open is as far from the high as
 * from the low, the low comes first (the pessimistic order for a long: the stop before the target).
 * Invariants: four points, times strictly increasing within [t, t + 60 s); every price within
 * [low, high]; the first is the open and the last the close; the path touches both high and low.
 */
import type { Bar } from '../../domain/market-data.js';
import type { EpochMs } from '../../domain/time.js';

export interface PathPoint {
  t: EpochMs;
  price: number;
}

/** the offsets of the four points into the minute */
export const INTRABAR_OFFSETS_MS = [0, 15_000, 30_000, 45_000] as const;

export function intrabarPath(bar: Pick<Bar, 't' | 'o' | 'h' | 'l' | 'c'>): PathPoint[] {
  const lowFirst = bar.o - bar.l <= bar.h - bar.o;
  const prices = [bar.o, lowFirst ? bar.l : bar.h, lowFirst ? bar.h : bar.l, bar.c];
  return prices.map((price, i) => ({ t: bar.t + INTRABAR_OFFSETS_MS[i]!, price }));
}
