/**
 * Recorded 1-minute bars as the simulated market's prices: each bar becomes its intrabar path
 * (core/backtest/intrabar-path.ts: open → nearer extreme → other extreme → close, 15 s apart), and
 * the price of a symbol at t is the last point at or before t (before its first bar: that bar's
 * open). One timeline holds every point of every symbol in time order, so a replay walks the data
 * once, whatever the number of symbols.
 * Invariants: the timeline is sorted by time (ties by symbol, then point); each symbol's points
 * are strictly increasing in time; nothing here reads a clock.
 */
import type { Bar } from '../../../domain/market-data.js';
import type { EpochMs } from '../../../domain/time.js';
import { intrabarPath } from '../../../core/backtest/intrabar-path.js';

interface SymbolPath {
  times: Float64Array;
  prices: Float64Array;
  bars: Bar[];
}

export class BarTape {
  /** every point, in time order */
  readonly times: Float64Array;
  readonly prices: Float64Array;
  /** index into `symbols` of each point */
  readonly symbolOf: Int32Array;
  readonly symbols: readonly string[];
  readonly barCount: number;
  private readonly paths = new Map<string, SymbolPath>();

  constructor(bars: readonly Bar[]) {
    if (bars.length === 0) throw new RangeError('a bar tape needs at least one bar');
    const sorted = [...bars].sort((a, b) => a.t - b.t || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    const symbols = [...new Set(sorted.map((b) => b.symbol))].sort();
    const index = new Map(symbols.map((s, i) => [s, i]));
    const bySymbol = new Map<string, Bar[]>(symbols.map((s) => [s, []]));
    for (const bar of sorted) {
      if (bar.t % 60_000 !== 0) throw new RangeError(`a bar of ${bar.symbol} does not start on a whole minute: ${new Date(bar.t).toISOString()}`);
      bySymbol.get(bar.symbol)!.push(bar);
    }
    for (const [symbol, list] of bySymbol) {
      const times = new Float64Array(list.length * 4);
      const prices = new Float64Array(list.length * 4);
      list.forEach((bar, i) => {
        if (i > 0 && bar.t <= list[i - 1]!.t) throw new RangeError(`two bars of ${symbol} at ${new Date(bar.t).toISOString()}`);
        intrabarPath(bar).forEach((p, k) => { times[i * 4 + k] = p.t; prices[i * 4 + k] = p.price; });
      });
      this.paths.set(symbol, { times, prices, bars: list });
    }
    // the timeline: bars are on whole minutes and the path's points fall inside their minute, so
    // within one minute the order is point by point (open, then the first extreme, …), symbol by
    // symbol: one pass, no sort
    const n = sorted.length * 4;
    this.times = new Float64Array(n);
    this.prices = new Float64Array(n);
    this.symbolOf = new Int32Array(n);
    let at = 0;
    for (let g = 0; g < sorted.length;) {
      let end = g;
      while (end < sorted.length && sorted[end]!.t === sorted[g]!.t) end++;
      const group = sorted.slice(g, end).map((bar) => ({ path: intrabarPath(bar), ix: index.get(bar.symbol)! }));
      for (let k = 0; k < 4; k++) {
        for (const { path, ix } of group) {
          this.times[at] = path[k]!.t;
          this.prices[at] = path[k]!.price;
          this.symbolOf[at] = ix;
          at++;
        }
      }
      g = end;
    }
    this.symbols = symbols;
    this.barCount = sorted.length;
  }

  has(symbol: string): boolean {
    return this.paths.has(symbol);
  }

  /** the first and last point of the whole tape */
  get start(): EpochMs {
    return this.times[0]!;
  }

  get end(): EpochMs {
    return this.times[this.times.length - 1]!;
  }

  /** the last point at or before t; before the first bar, its open; null for an unknown symbol */
  priceAt(symbol: string, t: EpochMs): number | null {
    const p = this.paths.get(symbol);
    if (!p) return null;
    const i = lastAtOrBefore(p.times, t);
    return p.prices[Math.max(0, i)]!;
  }

  /** the time of the symbol's first point after t; null when none */
  nextPointAfter(symbol: string, t: EpochMs): EpochMs | null {
    const p = this.paths.get(symbol);
    if (!p) return null;
    const i = lastAtOrBefore(p.times, t) + 1;
    return i < p.times.length ? p.times[i]! : null;
  }

  /** the prices of the symbol's points in (after, until], in time order */
  pricesBetween(symbol: string, after: EpochMs, until: EpochMs): number[] {
    const p = this.paths.get(symbol);
    if (!p) return [];
    const out: number[] = [];
    for (let i = lastAtOrBefore(p.times, after) + 1; i < p.times.length && p.times[i]! <= until; i++) out.push(p.prices[i]!);
    return out;
  }

  /** the index of the first timeline point after t */
  indexAfter(t: EpochMs): number {
    return lastAtOrBefore(this.times, t) + 1;
  }

  /** the recorded bars of a symbol starting in [start, end] */
  bars(symbol: string, start: EpochMs, end: EpochMs): Bar[] {
    const p = this.paths.get(symbol);
    if (!p) return [];
    // a bar's first point is its start: points 4i are the bars' times
    let i = Math.floor((lastAtOrBefore(p.times, start - 1) + 1 + 3) / 4);
    const out: Bar[] = [];
    for (; i < p.bars.length && p.bars[i]!.t <= end; i++) if (p.bars[i]!.t >= start) out.push(p.bars[i]!);
    return out;
  }
}

/** the index of the last element ≤ t, or -1 */
function lastAtOrBefore(times: Float64Array, t: number): number {
  let lo = 0, hi = times.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
