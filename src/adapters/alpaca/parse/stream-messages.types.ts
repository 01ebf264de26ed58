/** Message types of the two websocket streams (re-exported by ../parse.ts, the contract). */
import type { TradeUpdate } from '../../../domain/trade-update.js';
import type { Bar, Quote, StreamSubscription, Trade } from '../../../domain/market-data.js';

/** One trade-stream message (text or binary frame already decoded to a JS value). */
export type TradeStreamMessage =
  | { kind: 'authorization'; status: 'authorized' | 'unauthorized'; action: string; message: string | null }
  | { kind: 'listening'; streams: string[] }
  | { kind: 'trade_update'; update: TradeUpdate }
  /** trade_updates payload with an unknown event or an order that could not be parsed */
  | { kind: 'trade_update_unparsed'; orderId: string | null; event: string | null; problems: string[]; raw: unknown }
  | { kind: 'error'; message: string }
  | { kind: 'other'; raw: unknown };

/** One message of a market-data stream frame (frames are arrays of these). */
export type DataStreamMessage =
  | { T: 'success'; msg: string }
  | { T: 'error'; code: number; msg: string }
  | { T: 'subscription'; subscription: StreamSubscription & Record<string, string[]> }
  | { T: 't'; trade: Trade }
  | { T: 'q'; quote: Quote }
  | { T: 'b' | 'u' | 'd'; bar: Bar }
  | { T: 's'; symbol: string; statusCode: string; statusMessage: string; t: number }
  | { T: 'other'; raw: unknown };
