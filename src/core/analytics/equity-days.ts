/**
 * The equity figures from one summary per trading day instead of every minute row (the database
 * keeps these summaries in equity_day; daySummaries computes the same from points).
 * Why the composition is exact (points of a session date are contiguous in time: a day's rows are
 * written during its session, its close after the bell):
 *  - drawdown: at a point of a day, the running peak is max(P, the day's own running peak), P being
 *    the highest equity of the days before. So the fall there is the larger of (P − equity) and the
 *    day's own fall, and the day's largest fall is max(P − the day's low, the day's own drawdown).
 *    As a fraction the same holds for positive equities (1 − e ÷ peak grows with the peak when e > 0);
 *  - daily closes: the day's 'close' row, else its last row;
 *  - the curve: above the budgets, buckets are runs of whole days, so each bucket's first, last,
 *    lowest and highest point are among its days' first, last, lowest and highest points.
 */
import { ZERO, type Decimal } from '../../domain/money.js';
import type { CurvePoint, DailyClose, Drawdown, EquityPoint } from './analytics.types.js';

export interface EquityDay {
  sessionDate: string;
  /** how many points the day has */
  rows: number;
  first: CurvePoint;
  last: CurvePoint;
  /** the lowest and highest point (equal equities: the earliest) */
  low: CurvePoint;
  high: CurvePoint;
  /** the equity of the day's 'close' row; null without one */
  close: Decimal | null;
  /** the day's own largest fall from its running peak: dollars, and a fraction of that peak (0 without a positive peak) */
  drawdownUsd: Decimal;
  drawdownFraction: Decimal;
}

const point = (p: EquityPoint): CurvePoint => ({ t: p.t, equity: p.equity, realizedPnl: p.realizedPnl });

/** one summary per session date, oldest first; points of any order (sorted here by time) */
export function daySummaries(points: readonly EquityPoint[]): EquityDay[] {
  const byDate = new Map<string, EquityPoint[]>();
  for (const p of [...points].sort((a, b) => a.t - b.t)) {
    const day = byDate.get(p.sessionDate);
    if (day) day.push(p); else byDate.set(p.sessionDate, [p]);
  }
  return [...byDate.keys()].sort().map((date) => {
    const day = byDate.get(date)!;
    let low = day[0]!, high = day[0]!, peak = day[0]!.equity, usd = ZERO, fraction = ZERO;
    let close: Decimal | null = null;
    for (const p of day) {
      if (p.equity.lt(low.equity)) low = p;
      if (p.equity.gt(high.equity)) high = p;
      if (p.equity.gt(peak)) peak = p.equity;
      const fall = peak.minus(p.equity);
      if (fall.gt(usd)) usd = fall;
      if (peak.gt(0) && fall.div(peak).gt(fraction)) fraction = fall.div(peak);
      if (p.kind === 'close') close = p.equity;
    }
    return {
      sessionDate: date, rows: day.length, first: point(day[0]!), last: point(day[day.length - 1]!), low: point(low), high: point(high),
      close, drawdownUsd: usd, drawdownFraction: fraction,
    };
  });
}

/** the drawdown over consecutive days (null without any day) */
export function drawdownOfDays(days: readonly EquityDay[]): Drawdown | null {
  if (days.length === 0) return null;
  let peak: Decimal | null = null;
  let usd = ZERO, fraction = ZERO;
  for (const d of days) {
    if (d.drawdownUsd.gt(usd)) usd = d.drawdownUsd;
    if (d.drawdownFraction.gt(fraction)) fraction = d.drawdownFraction;
    if (peak !== null) {
      const fall = peak.minus(d.low.equity);
      if (fall.gt(usd)) usd = fall;
      if (peak.gt(0) && fall.div(peak).gt(fraction)) fraction = fall.div(peak);
    }
    if (peak === null || d.high.equity.gt(peak)) peak = d.high.equity;
  }
  return { usd, fraction };
}

export function closesOfDays(days: readonly EquityDay[]): DailyClose[] {
  return days.map((d) => ({ date: d.sessionDate, equity: d.close ?? d.last.equity }));
}

/** days split into `buckets` equal runs of whole days (each day its own run when there are fewer);
 *  each run keeps its first, last, lowest and highest point (equal equities: the earliest), in time order */
export function curveOfDays(days: readonly EquityDay[], buckets: number): CurvePoint[] {
  const out: CurvePoint[] = [];
  const n = days.length;
  let start = 0;
  while (start < n) {
    const bucket = Math.floor((start * Math.min(buckets, n)) / n);
    let end = start;
    while (end + 1 < n && Math.floor(((end + 1) * Math.min(buckets, n)) / n) === bucket) end++;
    let lo = days[start]!.low, hi = days[start]!.high;
    for (let i = start + 1; i <= end; i++) {
      if (days[i]!.low.equity.lt(lo.equity)) lo = days[i]!.low;
      if (days[i]!.high.equity.gt(hi.equity)) hi = days[i]!.high;
    }
    const kept = new Map<number, CurvePoint>();
    for (const p of [days[start]!.first, lo, hi, days[end]!.last]) kept.set(p.t, p);
    out.push(...[...kept.values()].sort((a, b) => a.t - b.t));
    start = end + 1;
  }
  return out;
}
