/**
 * Market Data REST objects (docs/alpaca.md §8): trades, quotes, bars, snapshots, latest, bar pages.
 * Prices are JSON numbers and stay numbers. Optional on the wire and defaulted here:
 * trade id `i` → null, conditions `c` → [], tape `z` → "", bar `n`/`vw` → null (2022 stream bars
 * lack them). Snapshot members may be null or absent.
 */
import type { Bar, Quote, Snapshot, Trade } from '../../../domain/market-data.js';
import { FieldReader, describe, isRecord, joinPath, type Problems } from './field-reader.js';

export function readTrade(symbol: string, json: unknown, path: string, problems: Problems): Trade | null {
  const r = FieldReader.of(json, path, problems);
  if (!r) return null;
  return {
    symbol,
    t: r.timestamp('t'),
    price: r.number('p'),
    size: r.number('s'),
    exchange: r.string('x'),
    id: r.optNumber('i'),
    conditions: r.optStringArray('c'),
    tape: r.optString('z') ?? '',
  };
}

export function readQuote(symbol: string, json: unknown, path: string, problems: Problems): Quote | null {
  const r = FieldReader.of(json, path, problems);
  if (!r) return null;
  return {
    symbol,
    t: r.timestamp('t'),
    bidExchange: r.string('bx'),
    bidPrice: r.number('bp'),
    bidSize: r.number('bs'),
    askExchange: r.string('ax'),
    askPrice: r.number('ap'),
    askSize: r.number('as'),
    conditions: r.optStringArray('c'),
    tape: r.optString('z') ?? '',
  };
}

export function readBar(symbol: string, json: unknown, path: string, problems: Problems): Bar | null {
  const r = FieldReader.of(json, path, problems);
  if (!r) return null;
  return {
    symbol,
    t: r.timestamp('t'),
    o: r.number('o'),
    h: r.number('h'),
    l: r.number('l'),
    c: r.number('c'),
    v: r.number('v'),
    n: r.optNumber('n'),
    vw: r.optNumber('vw'),
  };
}

function member<T>(
  r: FieldReader, key: string, symbol: string,
  read: (symbol: string, json: unknown, path: string, problems: Problems) => T | null,
): T | null {
  return r.has(key) ? read(symbol, r.raw(key), joinPath(r.path, key), r.problems) : null;
}

export function readSnapshot(symbol: string, json: unknown, path: string, problems: Problems): Snapshot | null {
  const r = FieldReader.of(json, path, problems);
  if (!r) return null;
  return {
    symbol,
    latestTrade: member(r, 'latestTrade', symbol, readTrade),
    latestQuote: member(r, 'latestQuote', symbol, readQuote),
    minuteBar: member(r, 'minuteBar', symbol, readBar),
    dailyBar: member(r, 'dailyBar', symbol, readBar),
    prevDailyBar: member(r, 'prevDailyBar', symbol, readBar),
  };
}

/** `{SYM: value}` → Record, each value read with its symbol */
export function readKeyed<T>(
  json: unknown, path: string, problems: Problems,
  read: (symbol: string, json: unknown, path: string, problems: Problems) => T | null,
): Record<string, T> {
  const out: Record<string, T> = {};
  if (!isRecord(json)) {
    problems.push(`${path || '(root)'}: expected object keyed by symbol, got ${describe(json)}`);
    return out;
  }
  for (const [symbol, value] of Object.entries(json)) {
    const parsed = read(symbol, value, joinPath(path, symbol), problems);
    if (parsed !== null) out[symbol] = parsed;
  }
  return out;
}

function readBarList(symbol: string, json: unknown, path: string, problems: Problems): Bar[] {
  if (!Array.isArray(json)) {
    problems.push(`${path}: expected array of bars, got ${describe(json)}`);
    return [];
  }
  return json.flatMap((bar, i) => readBar(symbol, bar, joinPath(path, i), problems) ?? []);
}

/** multi form {bars:{SYM:[...]}} or single form {bars:[...], symbol} */
export function readBarsPage(json: unknown, problems: Problems): { bars: Record<string, Bar[]>; nextPageToken: string | null } {
  const r = FieldReader.of(json, '', problems);
  if (!r) return { bars: {}, nextPageToken: null };
  const nextPageToken = r.optString('next_page_token');
  const raw = r.raw('bars');
  if (Array.isArray(raw)) {
    const symbol = r.string('symbol');
    return { bars: { [symbol]: readBarList(symbol, raw, 'bars', problems) }, nextPageToken };
  }
  // Alpaca has answered a single-symbol query without data with "bars": null
  if (raw === null) return { bars: {}, nextPageToken };
  return { bars: readKeyed(raw, 'bars', problems, readBarList), nextPageToken };
}
