/**
 * next_page_token paging of multi-symbol bars (docs/alpaca.md §8.4).
 * Invariants: results are ordered by symbol, then time; `limit` caps the TOTAL across symbols;
 * the token is opaque base64 naming the first item NOT yet returned, so repeating the request
 * with it continues exactly where the page ended; the last page has a null token.
 */
import type { Bar } from '../../../domain/market-data.js';

export interface PageCursor {
  symbol: string;
  t: number;
}

export function encodePageToken(cursor: PageCursor): string {
  return Buffer.from(`${cursor.symbol}|${cursor.t}`, 'utf8').toString('base64');
}

/** null when the token is not one of ours */
export function decodePageToken(token: string): PageCursor | null {
  const text = Buffer.from(token, 'base64').toString('utf8');
  const m = /^([^|]+)\|(-?\d+)$/.exec(text);
  return m ? { symbol: m[1] as string, t: Number(m[2]) } : null;
}

export interface BarsPage {
  bars: Array<[string, Bar[]]>;
  next: PageCursor | null;
}

/** `series` must be sorted by symbol; each series is sorted by time here */
export function pageBars(series: Array<[string, Bar[]]>, limit: number, from: PageCursor | null): BarsPage {
  const page: Array<[string, Bar[]]> = [];
  let taken = 0;
  for (const [symbol, all] of series) {
    if (from && symbol < from.symbol) continue;
    const bars = [...all]
      .sort((a, b) => a.t - b.t)
      .filter((bar) => !from || symbol > from.symbol || bar.t >= from.t);
    if (bars.length === 0) continue;
    if (taken === limit) return { bars: page, next: { symbol, t: (bars[0] as Bar).t } };
    const slice = bars.slice(0, limit - taken);
    page.push([symbol, slice]);
    taken += slice.length;
    const rest = bars[slice.length];
    if (rest) return { bars: page, next: { symbol, t: rest.t } };
  }
  return { bars: page, next: null };
}
