/**
 * The account's equity curve: peak-to-trough drawdown, the daily closing equity and the chart's
 * downsampling. Points are taken in time order.
 * Downsampling keeps the shape a trader must see: above MAX_CURVE_POINTS the points are split into
 * CURVE_BUCKETS equal runs, and each run keeps its first, last, lowest and highest point (equal
 * equities: the earliest), in time order, so no peak or trough is smoothed away. Up to
 * ROW_CURVE_LIMIT points the runs are runs of positions; above it (about 25 trading days of minute
 * rows) they are runs of whole trading days, so a long range is drawn from one summary per day
 * (equity-days.ts) and never needs its minute rows. The SQL path (performance.repo.ts) applies the
 * same rule, so both give the same points.
 */
import { ZERO, type Decimal } from '../../domain/money.js';
import type { CurvePoint, DailyClose, Drawdown, EquityPoint } from './analytics.types.js';
import { curveOfDays, daySummaries } from './equity-days.js';

export const MAX_CURVE_POINTS = 1000;
/** four points per bucket at most */
export const CURVE_BUCKETS = MAX_CURVE_POINTS / 4;
/** above this many points, buckets are runs of whole days */
export const ROW_CURVE_LIMIT = 10_000;

export function byTime(a: EquityPoint, b: EquityPoint): number {
  return a.t - b.t;
}

/** null without points; otherwise the largest fall from a running peak, in dollars and as a fraction of that peak */
export function drawdown(points: readonly EquityPoint[]): Drawdown | null {
  if (points.length === 0) return null;
  let peak: Decimal | null = null;
  let usd = ZERO;
  let fraction = ZERO;
  for (const p of [...points].sort(byTime)) {
    if (peak === null || p.equity.gt(peak)) peak = p.equity;
    const fall = peak.minus(p.equity);
    if (fall.gt(usd)) usd = fall;
    if (peak.gt(0)) {
      const f = fall.div(peak);
      if (f.gt(fraction)) fraction = f;
    }
  }
  return { usd, fraction };
}

/** per session date: its 'close' row, else its last minute row; oldest date first */
export function dailyCloses(points: readonly EquityPoint[]): DailyClose[] {
  const chosen = new Map<string, EquityPoint>();
  for (const p of points) {
    const held = chosen.get(p.sessionDate);
    if (!held || rank(p) > rank(held)) chosen.set(p.sessionDate, p);
  }
  return [...chosen.values()].sort((a, b) => (a.sessionDate < b.sessionDate ? -1 : 1)).map((p) => ({ date: p.sessionDate, equity: p.equity }));
}

/** a close row outranks every minute row; among minute rows, the later one */
function rank(p: EquityPoint): number {
  return p.kind === 'close' ? Number.POSITIVE_INFINITY : p.t;
}

export function downsample(points: readonly EquityPoint[]): CurvePoint[] {
  const sorted = [...points].sort(byTime);
  const n = sorted.length;
  if (n <= MAX_CURVE_POINTS) return sorted.map(toCurvePoint);
  if (n > ROW_CURVE_LIMIT) return curveOfDays(daySummaries(sorted), CURVE_BUCKETS);
  const keep = new Set<number>();
  let start = 0;
  while (start < n) {
    const bucket = Math.floor((start * CURVE_BUCKETS) / n);
    let end = start;
    while (end + 1 < n && Math.floor(((end + 1) * CURVE_BUCKETS) / n) === bucket) end++;
    let lo = start, hi = start;
    for (let i = start + 1; i <= end; i++) {
      if (sorted[i]!.equity.lt(sorted[lo]!.equity)) lo = i;
      if (sorted[i]!.equity.gt(sorted[hi]!.equity)) hi = i;
    }
    for (const i of [start, end, lo, hi]) keep.add(i);
    start = end + 1;
  }
  return [...keep].sort((a, b) => a - b).map((i) => toCurvePoint(sorted[i]!));
}

function toCurvePoint(p: EquityPoint): CurvePoint {
  return { t: p.t, equity: p.equity, realizedPnl: p.realizedPnl };
}
