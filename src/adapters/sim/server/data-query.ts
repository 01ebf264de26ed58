/**
 * Query parsing for market-data REST (docs/alpaca.md §8.4). Errors are message-only 400s, as the data
 * API sends them (§5.1).
 */
import { parseTimestamp } from '../../../domain/time.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const TIMEFRAME = /^(\d+)(Min|T|Hour|H|Day|D|Week|W|Month|M)$/;
const UNITS: Record<string, { canonical: string; allowed: (n: number) => boolean; max: number }> = {
  Min: { canonical: 'Min', allowed: (n) => n <= 59, max: 59 },
  Hour: { canonical: 'Hour', allowed: (n) => n <= 23, max: 23 },
  Day: { canonical: 'Day', allowed: (n) => n === 1, max: 1 },
  Week: { canonical: 'Week', allowed: (n) => n === 1, max: 1 },
  Month: { canonical: 'Month', allowed: (n) => [1, 2, 3, 4, 6, 12].includes(n), max: 12 },
};
const SHORT_UNITS: Record<string, string> = { T: 'Min', H: 'Hour', D: 'Day', W: 'Week', M: 'Month' };

/** canonical form (`5Min`, `1Hour`, `1Day`, `1Week`, `3Month`) of an Alpaca timeframe */
export function parseTimeframe(text: string | undefined): Parsed<string> {
  if (!text) return { ok: false, message: 'missing timeframe' };
  const m = TIMEFRAME.exec(text);
  if (!m) return { ok: false, message: `invalid timeframe: ${text}` };
  const n = Number(m[1]);
  const unit = UNITS[SHORT_UNITS[m[2] ?? ''] ?? m[2] ?? ''];
  if (!unit || n < 1) return { ok: false, message: `invalid timeframe: ${text}` };
  if (!unit.allowed(n)) {
    return n > unit.max
      ? { ok: false, message: `timeframe period number is larger than the allowed maximum of ${unit.max}` }
      : { ok: false, message: `invalid timeframe: ${text}` };
  }
  return { ok: true, value: `${n}${unit.canonical}` };
}

/** comma-separated, upper-cased, deduplicated, order kept */
export function parseSymbols(text: string | undefined): string[] {
  if (!text) return [];
  return [...new Set(text.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s.length > 0))];
}

export function parseTime(name: string, text: string | undefined, fallback: number): Parsed<number> {
  if (text === undefined || text === '') return { ok: true, value: fallback };
  const ms = parseTimestamp(text);
  return ms === null
    ? { ok: false, message: `Invalid format for parameter ${name}: error parsing '${text}' as RFC3339 or 2006-01-02 time` }
    : { ok: true, value: ms };
}

export function parseLimit(text: string | undefined): Parsed<number> {
  if (text === undefined || text === '') return { ok: true, value: 1000 };
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) {
    return { ok: false, message: `Invalid format for parameter limit: must be an integer between 1 and 10000` };
  }
  return { ok: true, value: n };
}
