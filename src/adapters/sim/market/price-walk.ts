/**
 * Deterministic price path: the price at step k of a symbol is a pure function of
 * (seed, symbol, k), so any moment's price and any stretch of bar history can be generated
 * directly, without replaying every step since some origin (a clock jump of days costs nothing).
 * Shape: log-price = log(base) + Σ octave noises, octave i interpolating random lattice values
 * every s_i steps with amplitude growing with s_i (roughly a random walk's √s spread, livelier
 * at short spans for demos), so it looks like a bounded random walk that reverts to `base` over
 * weeks (|log deviation| ≤ 0.13 by construction).
 */

const OCTAVES: ReadonlyArray<{ span: number; amp: number }> = [
  { span: 1, amp: 0.00025 },
  { span: 16, amp: 0.001 },
  { span: 256, amp: 0.004 },
  { span: 4096, amp: 0.012 },
  { span: 65536, amp: 0.03 },
  { span: 1048576, amp: 0.08 },
];

function mix(h: number, v: number): number {
  let x = Math.imul(h ^ v, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

export function hashString(text: string, seed = 0x9e3779b9): number {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) h = mix(h, text.charCodeAt(i));
  return h;
}

/** uniform in [0, 1) from a key and a (possibly > 2^32) integer index */
export function unitHash(key: number, a: number, index: number): number {
  const lo = index >>> 0;
  const hi = Math.floor(index / 4294967296) >>> 0;
  return mix(mix(mix(key, a), lo), hi) / 4294967296;
}

export function walkKey(seed: number, symbol: string): number {
  return hashString(symbol, mix(0x2545f491, seed >>> 0));
}

/** log-price deviation from the base at a (fractional) step */
export function logDeviation(key: number, step: number): number {
  let sum = 0;
  OCTAVES.forEach(({ span, amp }, i) => {
    const x = step / span;
    const k = Math.floor(x);
    const f = x - k;
    const w = f * f * (3 - 2 * f); // smoothstep between lattice points
    const a = unitHash(key, i, k) * 2 - 1;
    const b = unitHash(key, i, k + 1) * 2 - 1;
    sum += amp * (a + (b - a) * w);
  });
  return sum;
}

/** cents at or above $1, 4 decimals below (the sub-penny rule prices must respect) */
export function roundPrice(price: number): number {
  const scale = price >= 1 ? 100 : 10000;
  return Math.max(1 / scale, Math.round(price * scale) / scale);
}
