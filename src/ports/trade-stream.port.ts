/**
 * The trade_updates stream as Keel consumes it: one hot observable of typed events.
 * Connection life is part of the stream so nothing downstream can miss a gap:
 * 'disconnected' → (backoff) → 'connected' → 'resynced' (REST catch-up of open orders and
 * recent fills, loaded only AFTER the stream is listening, so nothing falls between).
 */
import type { Observable } from 'rxjs';
import type { FillActivity } from '../domain/account.js';
import type { Order } from '../domain/order.js';
import type { TradeUpdate } from '../domain/trade-update.js';

export type TradeStreamEvent =
  | { type: 'connected'; at: number; attempt: number }
  | { type: 'trade_update'; update: TradeUpdate; receivedAt: number }
  /** unknown event kind (or unparseable order): look the order up by REST */
  | { type: 'refresh_order'; orderId: string | null; reason: string; raw: unknown; receivedAt: number }
  | { type: 'resynced'; at: number; since: number; openOrders: Order[]; fills: FillActivity[] }
  | { type: 'resync_failed'; at: number; error: string }
  | { type: 'disconnected'; at: number; reason: string; retryInMs: number | null }
  /** unrecoverable (e.g. unauthorized): the client stops reconnecting */
  | { type: 'fatal'; at: number; error: string };

export interface TradeStreamPort {
  /** hot; connects on first subscription or start() */
  readonly events$: Observable<TradeStreamEvent>;
  start(): void;
  stop(): Promise<void>;
  /** a subscriber that joins a stream already connected (a supervisor restart) missed its catch-up:
   *  run the REST catch-up again and emit 'resynced' (or 'resync_failed'); while not connected it does
   *  nothing (the next connect catches up anyway) */
  requestResync(): void;
}
