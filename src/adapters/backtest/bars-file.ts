/**
 * The 1-minute bars a backtest replays, read from text: CSV with a header naming the columns
 * `symbol,t,o,h,l,c,v` (any order), or JSON Lines in Alpaca's bar fields (`{"S","t","o","h","l","c","v"}`,
 * as the market-data stream sends them). `t` is the bar's start, RFC 3339 or epoch milliseconds.
 * Invariants: bad input changes nothing and says every problem (line and field; a capped list,
 * lib/problem-list.ts, then how many more); a bar is consistent (0 < l ≤ min(o, c), max(o, c) ≤ h,
 * v ≥ 0), on a whole minute, and once per symbol and minute; the bars come back in time order
 * (then by symbol), whatever the order of the file.
 */
import type { Bar } from '../../domain/market-data.js';
import { parseTimestamp } from '../../domain/time.js';
import { shownProblems } from '../../lib/problem-list.js';

const COLUMNS = ['symbol', 't', 'o', 'h', 'l', 'c', 'v'] as const;
const SYMBOL = /^[A-Z][A-Z0-9.]{0,9}$/;

export type BarsRead = { ok: true; bars: Bar[] } | { ok: false; problems: string[] };

/** `format`: by the file's name (.csv, .jsonl / .ndjson), or 'auto' by its first line */
export function parseBarsText(text: string, format: 'csv' | 'jsonl' | 'auto' = 'auto'): BarsRead {
  const lines = text.split(/\r?\n/);
  const first = lines.find((l) => l.trim() !== '') ?? '';
  const kind = format === 'auto' ? (first.trimStart().startsWith('{') ? 'jsonl' : 'csv') : format;
  const problems: string[] = [];
  const bars: Bar[] = [];
  const read = kind === 'csv' ? csvRows(lines, problems) : jsonRows(lines, problems);
  const seen = new Set<string>();
  for (const { line, fields } of read) {
    const bar = toBar(fields, (p) => problems.push(`line ${line}: ${p}`));
    if (!bar) continue;
    const key = `${bar.symbol}@${bar.t}`;
    if (seen.has(key)) problems.push(`line ${line}: a second bar for ${bar.symbol} at ${new Date(bar.t).toISOString()}`);
    seen.add(key);
    bars.push(bar);
  }
  if (problems.length === 0 && bars.length === 0) problems.push('no bars: the file has no data lines');
  if (problems.length > 0) {
    // in the order of the file (a line's shape is judged before its fields)
    const lineOf = (p: string) => Number(/^line (\d+)/.exec(p)?.[1] ?? 0);
    problems.sort((a, b) => lineOf(a) - lineOf(b));
    return { ok: false, problems: shownProblems(problems) };
  }
  bars.sort((a, b) => a.t - b.t || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return { ok: true, bars };
}

type Row = { line: number; fields: Record<string, unknown> };

function csvRows(lines: string[], problems: string[]): Row[] {
  const headerAt = lines.findIndex((l) => l.trim() !== '');
  if (headerAt < 0) return [];
  const header = lines[headerAt]!.split(',').map((h) => h.trim());
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    problems.push(`line ${headerAt + 1}: the header must name the columns ${COLUMNS.join(',')} (missing: ${missing.join(', ')})`);
    return [];
  }
  const rows: Row[] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const cells = lines[i]!.split(',').map((c) => c.trim());
    if (cells.length !== header.length) {
      problems.push(`line ${i + 1}: ${cells.length} values for ${header.length} columns`);
      continue;
    }
    const fields: Record<string, unknown> = {};
    header.forEach((h, j) => { fields[h] = cells[j]; });
    rows.push({ line: i + 1, fields });
  }
  return rows;
}

function jsonRows(lines: string[], problems: string[]): Row[] {
  const rows: Row[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      problems.push(`line ${i + 1}: not JSON`);
      return;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`line ${i + 1}: not a JSON object`);
      return;
    }
    const o = value as Record<string, unknown>;
    rows.push({ line: i + 1, fields: { symbol: o.S, t: o.t, o: o.o, h: o.h, l: o.l, c: o.c, v: o.v } });
  });
  return rows;
}

function toBar(f: Record<string, unknown>, problem: (p: string) => void): Bar | null {
  let ok = true;
  const bad = (p: string) => { ok = false; problem(p); };
  const symbol = typeof f.symbol === 'string' ? f.symbol.trim() : '';
  if (!SYMBOL.test(symbol)) bad(`symbol must be an exchange symbol such as AAPL (got ${JSON.stringify(f.symbol ?? null)})`);
  const t = time(f.t);
  if (t === null) bad(`t must be an RFC 3339 time or epoch milliseconds (got ${JSON.stringify(f.t ?? null)})`);
  else if (t % 60_000 !== 0) bad(`t must be the start of a minute (got ${new Date(t).toISOString()})`);
  const num = (name: 'o' | 'h' | 'l' | 'c' | 'v') => {
    const raw = f[name];
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
    if (!Number.isFinite(n) || n < 0 || (name !== 'v' && n === 0)) bad(`${name} must be a ${name === 'v' ? 'non-negative' : 'positive'} number (got ${JSON.stringify(raw ?? null)})`);
    return n;
  };
  const o = num('o'), h = num('h'), l = num('l'), c = num('c'), v = num('v');
  if (ok && !(l <= Math.min(o, c) && Math.max(o, c) <= h)) bad(`the prices must satisfy low ≤ open, close ≤ high (o ${o}, h ${h}, l ${l}, c ${c})`);
  return ok ? { symbol, t: t!, o, h, l, c, v, n: null, vw: null } : null;
}

function time(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isInteger(raw) && raw > 0 ? raw : null;
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim());
  return raw.includes('T') ? parseTimestamp(raw) : null;
}
