/**
 * MarketDataPort over Alpaca's Market Data REST API v2 (docs/alpaca.md §8). Reads only, so every
 * call is a 'safe' retry. Bars follow next_page_token until null (a literal "null" is never
 * sent, the JS SDK's bug) and pages are merged per symbol, because `limit` caps the total across
 * symbols and one symbol may span several pages.
 */
import { BrokerError } from '../../domain/broker-error.js';
import type { Bar, BarsQuery, DataFeed, Snapshot, Trade } from '../../domain/market-data.js';
import { toIso } from '../../domain/time.js';
import type { MarketDataPort } from '../../ports/market-data.port.js';
import type { AlpacaHttpClient, QueryValue } from './http-client.js';
import { parseBarsPage, parseLatestTrades, parseSnapshots } from './parse.js';
import { errorText } from '../../lib/error-text.js';

const MAX_PAGES = 10_000;

export interface MarketDataClientOptions {
  http: AlpacaHttpClient;
  /** default feed for snapshots and latest trades (bars take BarsQuery.feed, else this) */
  feed?: DataFeed;
}

export class AlpacaMarketData implements MarketDataPort {
  constructor(private readonly o: MarketDataClientOptions) {}

  async getSnapshots(symbols: string[]): Promise<Record<string, Snapshot>> {
    if (symbols.length === 0) return {};
    return this.get('/v2/stocks/snapshots', { symbols: symbols.join(','), feed: this.o.feed }, parseSnapshots);
  }

  async getLatestTrades(symbols: string[]): Promise<Record<string, Trade>> {
    if (symbols.length === 0) return {};
    return this.get('/v2/stocks/trades/latest', { symbols: symbols.join(','), feed: this.o.feed }, parseLatestTrades);
  }

  async getBars(q: BarsQuery): Promise<Record<string, Bar[]>> {
    const merged: Record<string, Bar[]> = {};
    if (q.symbols.length === 0) return merged;
    const seenTokens = new Set<string>();
    let pageToken: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query: Record<string, QueryValue> = {
        symbols: q.symbols.join(','), timeframe: q.timeframe, start: toIso(q.start),
        end: q.end === undefined ? undefined : toIso(q.end), limit: q.limit,
        feed: q.feed ?? this.o.feed, adjustment: q.adjustment, page_token: pageToken ?? undefined,
      };
      const { bars, nextPageToken } = await this.get('/v2/stocks/bars', query, parseBarsPage);
      for (const [symbol, list] of Object.entries(bars)) (merged[symbol] ??= []).push(...list);
      if (nextPageToken === null) return sortByTime(merged);
      if (seenTokens.has(nextPageToken)) throw pagingError(`next_page_token repeated: ${nextPageToken}`);
      seenTokens.add(nextPageToken);
      pageToken = nextPageToken;
    }
    throw pagingError(`more than ${MAX_PAGES} pages`);
  }

  private async get<T>(path: string, query: Record<string, QueryValue>, parser: (json: unknown) => T): Promise<T> {
    const res = await this.o.http.request({ method: 'GET', path, query, retry: 'safe' });
    try {
      return parser(res.body);
    } catch (error) {
      throw new BrokerError({ category: 'invalid_response', operation: `GET ${path}`, message: errorText(error), body: res.body });
    }
  }
}

/** pages arrive in time order already; sorting is a cheap guard against a server that does not */
function sortByTime(bars: Record<string, Bar[]>): Record<string, Bar[]> {
  for (const list of Object.values(bars)) list.sort((a, b) => a.t - b.t);
  return bars;
}

function pagingError(message: string): BrokerError {
  return new BrokerError({ category: 'invalid_response', operation: 'GET /v2/stocks/bars', message: `paging stopped: ${message}` });
}
