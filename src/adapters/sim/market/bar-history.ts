/**
 * Bars generated from the deterministic price path (price-walk.ts): a minute bar samples the
 * path inside its minute; longer bars aggregate minute bars. Minute/intraday bars cover the
 * extended session (04:00–20:00 ET) of trading days, daily bars the regular session only
 * (stamped at ET midnight, as Alpaca does). With pinnedOpen every minute trades.
 */
import type { Bar } from '../../../domain/market-data.js';
import type { EpochMs } from '../../../domain/time.js';
import { addDays, etDate, etWallToEpoch } from '../../../domain/market-time.js';
import { calendarDay, sessionTimes } from '../../../core/calendar/nyse-calendar.js';
import { unitHash } from './price-walk.js';

export const MINUTE = 60_000;
const SAMPLES_PER_MINUTE = 12;
/** never generate more than this many minute bars for one request (≈ 2 years of sessions) */
const MAX_MINUTES = 500_000;

export interface PricePath {
  symbol: string;
  key: number;
  priceAt(t: EpochMs): number;
}

export type Timeframe = { unit: 'min'; ms: number } | { unit: 'day' };

/** 1Min…59Min / 1T, 1Hour…23Hour / 1H, 1Day / 1D; null for anything else */
export function parseTimeframe(text: string): Timeframe | null {
  const m = /^(\d{1,2})(Min|T|Hour|H|Day|D)$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  if (m[2] === 'Min' || m[2] === 'T') return n >= 1 && n <= 59 ? { unit: 'min', ms: n * MINUTE } : null;
  if (m[2] === 'Hour' || m[2] === 'H') return n >= 1 && n <= 23 ? { unit: 'min', ms: n * 60 * MINUTE } : null;
  return n === 1 ? { unit: 'day' } : null;
}

export function minuteBar(path: PricePath, start: EpochMs): Bar {
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES_PER_MINUTE; i++) {
    samples.push(path.priceAt(start + Math.floor((i * (MINUTE - 1)) / (SAMPLES_PER_MINUTE - 1))));
  }
  const minuteIndex = start / MINUTE;
  const v = 100 + Math.floor(unitHash(path.key, 99, minuteIndex) * 5000);
  const vw = samples.reduce((a, b) => a + b, 0) / samples.length;
  return {
    symbol: path.symbol, t: start, o: samples[0]!, c: samples[samples.length - 1]!,
    h: Math.max(...samples), l: Math.min(...samples), v, n: Math.max(1, Math.floor(v / 100)),
    vw: Math.round(vw * 10000) / 10000,
  };
}

export function aggregate(bars: Bar[], t: EpochMs): Bar | null {
  if (bars.length === 0) return null;
  const v = bars.reduce((a, b) => a + b.v, 0);
  const vw = bars.reduce((a, b) => a + (b.vw ?? b.c) * b.v, 0) / v;
  return {
    symbol: bars[0]!.symbol, t, o: bars[0]!.o, c: bars[bars.length - 1]!.c,
    h: Math.max(...bars.map((b) => b.h)), l: Math.min(...bars.map((b) => b.l)), v,
    n: bars.reduce((a, b) => a + (b.n ?? 0), 0), vw: Math.round(vw * 10000) / 10000,
  };
}

/** trading windows [from, to) intersecting [start, end] */
function windows(start: EpochMs, end: EpochMs, pinned: boolean, regularOnly: boolean): Array<[number, number]> {
  if (pinned) return [[start, end + 1]];
  const out: Array<[number, number]> = [];
  for (let d = etDate(start), last = etDate(end); d <= last; d = addDays(d, 1)) {
    const day = calendarDay(d);
    if (!day) continue;
    const s = sessionTimes(day);
    const [from, to] = regularOnly ? [s.open, s.close] : [s.extendedOpen, s.extendedClose];
    if (to > start && from <= end) out.push([Math.max(from, start), Math.min(to, end + 1)]);
  }
  return out;
}

/** complete minute bars with start in [start, end] that ended by `now` */
export function minuteBars(path: PricePath, start: EpochMs, end: EpochMs, now: EpochMs, pinned: boolean, regularOnly = false): Bar[] {
  const last = Math.min(end, now - MINUTE);
  const first = Math.max(Math.ceil(start / MINUTE) * MINUTE, last - MAX_MINUTES * MINUTE);
  const out: Bar[] = [];
  if (first > last) return out;
  for (const [from, to] of windows(first, last, pinned, regularOnly)) {
    for (let t = Math.ceil(from / MINUTE) * MINUTE; t < to; t += MINUTE) out.push(minuteBar(path, t));
  }
  return out;
}

export function historyBars(path: PricePath, tf: Timeframe, start: EpochMs, end: EpochMs, now: EpochMs, pinned: boolean): Bar[] {
  if (tf.unit === 'min') {
    const first = Math.floor(start / tf.ms) * tf.ms;
    const minutes = minuteBars(path, first, Math.floor(end / tf.ms) * tf.ms + tf.ms - MINUTE, now, pinned);
    const buckets = new Map<number, Bar[]>();
    for (const b of minutes) {
      const k = Math.floor(b.t / tf.ms) * tf.ms;
      const bucket = buckets.get(k);
      if (bucket) bucket.push(b);
      else buckets.set(k, [b]);
    }
    return [...buckets].filter(([k]) => k >= start && k <= end).map(([k, bs]) => aggregate(bs, k)!);
  }
  const out: Bar[] = [];
  for (let d = etDate(start), last = etDate(end); d <= last; d = addDays(d, 1)) {
    const midnight = etWallToEpoch(d, 0, 0);
    if (midnight < start || midnight > end || (!pinned && !calendarDay(d))) continue;
    const dayEnd = etWallToEpoch(addDays(d, 1), 0, 0) - 1;
    const bar = aggregate(minuteBars(path, midnight, dayEnd, now, pinned, true), midnight);
    if (bar) out.push(bar);
  }
  return out;
}
