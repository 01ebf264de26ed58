/**
 * Timestamps in Keel's domain are epoch milliseconds (number). Alpaca sends RFC 3339 with 0–9
 * fractional digits and any offset ("2022-04-19T13:45:04.981350886-04:00"); sub-millisecond
 * digits are dropped here (the raw payload is journaled where it matters).
 */
export type EpochMs = number;

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:?\d{2})$/;

/** Parses RFC 3339 (or a bare YYYY-MM-DD as UTC midnight); returns null when it is not one. */
export function parseTimestamp(text: string): EpochMs | null {
  const m = RFC3339.exec(text.trim());
  if (!m) {
    const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
    return d ? Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])) : null;
  }
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Number((frac + '00').slice(0, 3)) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
  }
  return Number.isNaN(t) ? null : t;
}

/** RFC 3339 in UTC with milliseconds, e.g. 2026-11-23T14:30:00.000Z. */
export function toIso(ms: EpochMs): string {
  return new Date(ms).toISOString();
}
