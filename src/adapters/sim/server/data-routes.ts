/**
 * Market-data REST (docs/alpaca.md §8): snapshots, latest trades/quotes/bars, historical bars with
 * next_page_token paging. Symbols without data are omitted, never errors.
 */
import type { Hono } from 'hono';
import { barToWire, quoteToWire, snapshotToWire, tradeToWire } from '../../alpaca/serialize.js';
import type { Clock } from '../../../ports/clock.port.js';
import type { Bar } from '../../../domain/market-data.js';
import type { SimExchangeCore } from '../exchange.types.js';
import { parseLimit, parseSymbols, parseTime, parseTimeframe } from './data-query.js';
import { etMidnight } from './et-date.js';
import { sendError, type SimContext } from './http-result.js';
import { decodePageToken, encodePageToken, pageBars, type BarsPage } from './paging.js';
import type { SimEnv } from './sim-env.js';

type Latest<T> = (symbol: string) => T | null;

function keyed<T>(symbols: string[], get: Latest<T>, toWire: (value: T) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const symbol of symbols) {
    const value = get(symbol);
    if (value !== null) out[symbol] = toWire(value);
  }
  return out;
}

function requireSymbols(c: SimContext): string[] | Response {
  const symbols = parseSymbols(c.req.query('symbols'));
  return symbols.length > 0 ? symbols : sendError(c, 400, { message: 'missing symbols' });
}

/** the latest minute bar, from the snapshot */
function latestBar(core: SimExchangeCore): Latest<Bar> {
  return (symbol) => core.snapshot(symbol)?.minuteBar ?? null;
}

function queryBars(c: SimContext, core: SimExchangeCore, clock: Clock, symbols: string[]): BarsPage | Response {
  const timeframe = parseTimeframe(c.req.query('timeframe'));
  if (!timeframe.ok) return sendError(c, 400, { message: timeframe.message });
  const now = clock.now();
  const start = parseTime('start', c.req.query('start'), etMidnight(now));
  if (!start.ok) return sendError(c, 400, { message: start.message });
  const end = parseTime('end', c.req.query('end'), now);
  if (!end.ok) return sendError(c, 400, { message: end.message });
  const limit = parseLimit(c.req.query('limit'));
  if (!limit.ok) return sendError(c, 400, { message: limit.message });
  const token = c.req.query('page_token');
  const cursor = token ? decodePageToken(token) : null;
  if (token && !cursor) return sendError(c, 400, { message: 'Invalid format for parameter page_token' });

  const series: Array<[string, Bar[]]> = [];
  for (const symbol of [...symbols].sort()) {
    const result = core.bars(symbol, timeframe.value, start.value, end.value);
    if (result.ok) series.push([symbol, result.value]);
    else if (result.status !== 404) return sendError(c, result.status, result.body);
  }
  return pageBars(series, limit.value, cursor);
}

function registerLatest<T>(app: Hono<SimEnv>, kind: string, plural: string, get: Latest<T>, toWire: (v: T) => unknown): void {
  app.get(`/v2/stocks/${plural}/latest`, (c) => {
    const symbols = requireSymbols(c);
    if (symbols instanceof Response) return symbols;
    return c.json({ [plural]: keyed(symbols, get, toWire) });
  });
  app.get(`/v2/stocks/:symbol/${plural}/latest`, (c) => {
    const symbol = c.req.param('symbol').toUpperCase();
    const value = get(symbol);
    if (value === null) return sendError(c, 404, { message: `no ${kind} found for ${symbol}` });
    return c.json({ symbol, [kind]: toWire(value) });
  });
}

export function registerDataRoutes(app: Hono<SimEnv>, core: SimExchangeCore, clock: Clock): void {
  app.get('/v2/stocks/snapshots', (c) => {
    const symbols = requireSymbols(c);
    if (symbols instanceof Response) return symbols;
    return c.json(keyed(symbols, (s) => core.snapshot(s), snapshotToWire));
  });
  registerLatest(app, 'trade', 'trades', (s) => core.latestTrade(s), tradeToWire);
  registerLatest(app, 'quote', 'quotes', (s) => core.latestQuote(s), quoteToWire);
  registerLatest(app, 'bar', 'bars', latestBar(core), barToWire);

  app.get('/v2/stocks/bars', (c) => {
    const symbols = requireSymbols(c);
    if (symbols instanceof Response) return symbols;
    const page = queryBars(c, core, clock, symbols);
    if (page instanceof Response) return page;
    const bars = Object.fromEntries(page.bars.map(([symbol, list]) => [symbol, list.map(barToWire)]));
    return c.json({ bars, next_page_token: page.next ? encodePageToken(page.next) : null });
  });
  app.get('/v2/stocks/:symbol/snapshot', (c) => {
    const symbol = c.req.param('symbol').toUpperCase();
    const snapshot = core.snapshot(symbol);
    if (!snapshot) return sendError(c, 404, { message: `no snapshot found for ${symbol}` });
    return c.json({ symbol, ...snapshotToWire(snapshot) });
  });
  app.get('/v2/stocks/:symbol/bars', (c) => {
    const symbol = c.req.param('symbol').toUpperCase();
    const page = queryBars(c, core, clock, [symbol]);
    if (page instanceof Response) return page;
    const bars = page.bars[0]?.[1] ?? [];
    return c.json({ bars: bars.map(barToWire), symbol, next_page_token: page.next ? encodePageToken(page.next) : null });
  });
}
