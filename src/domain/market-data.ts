/**
 * Market data (docs/alpaca.md §8–§9). Prices here are JSON numbers on the wire and stay `number`:
 * they feed hot-path exit checks, never stored money (docs/design.md §4).
 */
import type { EpochMs } from './time.js';

export interface Trade {
  symbol: string;
  t: EpochMs;
  price: number;
  size: number;
  exchange: string;
  id: number | null;
  conditions: string[];
  tape: string;
}

export interface Quote {
  symbol: string;
  t: EpochMs;
  bidExchange: string;
  bidPrice: number;
  bidSize: number;
  askExchange: string;
  askPrice: number;
  askSize: number;
  conditions: string[];
  tape: string;
}

export interface Bar {
  symbol: string;
  /** bar start */
  t: EpochMs;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
  n: number | null;
  vw: number | null;
}

export interface Snapshot {
  symbol: string;
  latestTrade: Trade | null;
  latestQuote: Quote | null;
  minuteBar: Bar | null;
  dailyBar: Bar | null;
  prevDailyBar: Bar | null;
}

export type DataFeed = 'iex' | 'sip' | 'delayed_sip' | 'boats' | 'overnight' | 'otc' | 'test';

export interface BarsQuery {
  symbols: string[];
  /** e.g. 1Min, 5Min, 1Hour, 1Day */
  timeframe: string;
  start: EpochMs;
  end?: EpochMs;
  /** total per page across symbols, 1–10000 */
  limit?: number;
  feed?: DataFeed;
  adjustment?: string;
}

export interface StreamSubscription {
  trades: string[];
  quotes: string[];
  bars: string[];
  updatedBars?: string[];
  dailyBars?: string[];
  statuses?: string[];
}

/** one price observation for the exit path (a stream trade, a snapshot poll, or a fill) */
export interface PriceTick {
  symbol: string;
  price: number;
  at: EpochMs;
  source: 'stream' | 'snapshot' | 'fill';
}
