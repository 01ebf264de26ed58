/**
 * Optional replay of recorded bars instead of the generated walk: within a bar the price moves
 * linearly from its open to its close over the bar's span (up to the next bar's start), holds
 * the last close in gaps, and the first open before the first bar. Input is Alpaca's own
 * multi-bars response ({"bars":{"AAPL":[{t,o,h,l,c,v,…}]}}) or a plain {"AAPL":[…]} map, with
 * `t` as RFC 3339 or epoch ms — so a capture from the real data API can be replayed as is.
 */
import type { Bar } from '../../../domain/market-data.js';
import type { EpochMs } from '../../../domain/time.js';
import { parseTimestamp } from '../../../domain/time.js';

export type ReplayBars = Readonly<Record<string, readonly Bar[]>>;

const DEFAULT_SPAN = 60_000;

export function replayPriceFn(bars: readonly Bar[]): (t: EpochMs) => number {
  const sorted = [...bars].sort((a, b) => a.t - b.t);
  if (sorted.length === 0) throw new RangeError('replay needs at least one bar');
  return (t) => {
    let lo = 0, hi = sorted.length - 1;
    if (t < sorted[0]!.t) return sorted[0]!.o;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (sorted[mid]!.t <= t) lo = mid;
      else hi = mid - 1;
    }
    const bar = sorted[lo]!;
    const next = sorted[lo + 1];
    const span = next ? Math.min(next.t - bar.t, DEFAULT_SPAN) : DEFAULT_SPAN;
    const f = Math.min(1, (t - bar.t) / span);
    return bar.o + (bar.c - bar.o) * f;
  };
}

function toBar(symbol: string, raw: unknown): Bar {
  const r = raw as Record<string, unknown>;
  const t = typeof r.t === 'number' ? r.t : typeof r.t === 'string' ? parseTimestamp(r.t) : null;
  const num = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : Number.NaN);
  const bar: Bar = {
    symbol, t: t ?? Number.NaN, o: num('o'), h: num('h'), l: num('l'), c: num('c'),
    v: Number.isFinite(num('v')) ? num('v') : 0, n: Number.isFinite(num('n')) ? num('n') : null,
    vw: Number.isFinite(num('vw')) ? num('vw') : null,
  };
  if (![bar.t, bar.o, bar.h, bar.l, bar.c].every(Number.isFinite)) throw new RangeError(`invalid replay bar for ${symbol}: ${JSON.stringify(raw)}`);
  return bar;
}

export function parseReplay(json: unknown): ReplayBars {
  const root = (json as { bars?: unknown })?.bars ?? json;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new RangeError('replay file must map symbols to bar arrays');
  const out: Record<string, Bar[]> = {};
  for (const [symbol, list] of Object.entries(root)) {
    if (!Array.isArray(list) || list.length === 0) throw new RangeError(`replay bars of ${symbol} must be a non-empty array`);
    out[symbol.toUpperCase()] = list.map((b) => toBar(symbol.toUpperCase(), b));
  }
  return out;
}
