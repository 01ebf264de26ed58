/**
 * Market data: REST (snapshots, latest trades, bars with next_page_token paging) and the
 * stock stream (handshake, subscribe deltas, resubscribe after every reconnect).
 */
import type { Observable } from 'rxjs';
import type { Bar, BarsQuery, Quote, Snapshot, StreamSubscription, Trade } from '../domain/market-data.js';

export interface MarketDataPort {
  /** symbols without data are absent from the result */
  getSnapshots(symbols: string[]): Promise<Record<string, Snapshot>>;
  getLatestTrades(symbols: string[]): Promise<Record<string, Trade>>;
  /** follows next_page_token until null; bars per symbol in time order */
  getBars(query: BarsQuery): Promise<Record<string, Bar[]>>;
}

export type MarketDataEvent =
  | { type: 'connected'; at: number; attempt: number }
  | { type: 'subscription'; at: number; subscription: StreamSubscription }
  | { type: 'trade'; trade: Trade }
  | { type: 'quote'; quote: Quote }
  /** b = minute bar, u = updated (corrected) bar, d = daily bar */
  | { type: 'bar'; kind: 'b' | 'u' | 'd'; bar: Bar }
  | { type: 'status'; symbol: string; statusCode: string; statusMessage: string; at: number }
  | { type: 'error'; code: number; message: string; at: number }
  | { type: 'disconnected'; at: number; reason: string; retryInMs: number | null }
  | { type: 'fatal'; at: number; error: string };

export interface MarketDataStreamPort {
  readonly events$: Observable<MarketDataEvent>;
  /** adds to the wanted set (kept across reconnects) */
  subscribe(delta: Partial<StreamSubscription>): void;
  /** removes from the wanted set */
  unsubscribe(delta: Partial<StreamSubscription>): void;
  start(): void;
  stop(): Promise<void>;
}
