/**
 * B1's workload W1 and its anchor (docs/benchmarks.md §3): seeded ticks over 100 symbols and the
 * plain loop over position objects Keel's tick path is measured against (bench/positions.ts).
 */
import { hardStopPrice, holdDeadline, profitTargetPrice, trailFactor } from '../src/core/exits/thresholds.js';
import { T0 } from './position-fakes.js';
import { mulberry32 } from '../src/lib/mulberry32.js';
export { mulberry32 };

export const SYMBOLS = 100, POSITIONS = 1_000;


// ---- W1 workload ------------------------------------------------------------------------------
interface Params { stopPct: number; targetPct: number; trailPct: number; holdSec: number }

export function workload(n: number) {
  const rnd = mulberry32(42);
  const start = Array.from({ length: SYMBOLS }, () => 10 + rnd() * 190);
  const params: Params[] = Array.from({ length: POSITIONS }, () => ({
    stopPct: 1 + rnd() * 2, targetPct: 1 + rnd() * 2, trailPct: 0.5 + rnd() * 1.5, holdSec: 60 + Math.floor(rnd() * 241),
  }));
  const sym = new Int32Array(n);
  const px = new Float64Array(n);
  const cur = [...start];
  for (let i = 0; i < n; i++) {
    const s = Math.floor(rnd() * SYMBOLS);
    cur[s] = cur[s]! * (1 + (rnd() * 2 - 1) * 0.001);
    sym[i] = s;
    px[i] = cur[s]!;
  }
  return { start, params, sym, px };
}
export type W1 = ReturnType<typeof workload>;
export interface Outcome { exits: number; checksum: number }
export const symbolName = (s: number) => `S${s}`;

/**
 * The anchor (docs/benchmarks.md §3): a plain loop over position objects grouped by symbol,
 * evaluating each rule from the position's entry, peak and percentages on every tick.
 * `precomputed` = the same loop with thresholds computed once per arm (the SymbolBook's own trick):
 * a stricter anchor, printed for context.
 */
export function plainLoop(w: W1, from: number, to: number): Outcome {
  return loop(w, from, to, false);
}

export function precomputedLoop(w: W1, from: number, to: number): Outcome {
  return loop(w, from, to, true);
}

function loop(w: W1, from: number, to: number, precomputed: boolean): Outcome {
  const bySymbol = Array.from({ length: SYMBOLS }, () => [] as Array<{ p: Params; entry: number; at: number; peak: number; stop: number; target: number; trail: number; until: number }>);
  const arm = (o: { p: Params; entry: number; at: number; peak: number; stop: number; target: number; trail: number; until: number }, price: number, at: number) => {
    o.entry = price; o.at = at; o.peak = price;
    o.stop = hardStopPrice(price, o.p.stopPct); o.target = profitTargetPrice(price, o.p.targetPct);
    o.trail = trailFactor(o.p.trailPct); o.until = holdDeadline(at, o.p.holdSec);
  };
  for (let i = 0; i < POSITIONS; i++) {
    const o = { p: w.params[i]!, entry: 0, at: 0, peak: 0, stop: 0, target: 0, trail: 0, until: 0 };
    arm(o, w.start[i % SYMBOLS]!, T0);
    bySymbol[i % SYMBOLS]!.push(o);
  }
  let exits = 0, checksum = 0;
  for (let i = from; i < to; i++) {
    const price = w.px[i]!, now = T0 + i;
    const list = bySymbol[w.sym[i]!]!;
    for (let j = 0; j < list.length; j++) {
      const o = list[j]!;
      if (price > o.peak) o.peak = price;
      let code = 0;
      if (precomputed) {
        if (price <= o.stop) code = 1;
        else if (price <= o.peak * o.trail) code = 2;
        else if (price >= o.target) code = 3;
        else if (now >= o.until) code = 4;
      } else {
        const p = o.p;
        if (price <= hardStopPrice(o.entry, p.stopPct)) code = 1;
        else if (price <= o.peak * trailFactor(p.trailPct)) code = 2;
        else if (price >= profitTargetPrice(o.entry, p.targetPct)) code = 3;
        else if (now >= holdDeadline(o.at, p.holdSec)) code = 4;
      }
      if (code !== 0) {
        exits++;
        checksum = (checksum + code * 1_000_003 + Math.round(price * 100)) % 1e15;
        arm(o, price, now);
      }
    }
  }
  return { exits, checksum };
}
