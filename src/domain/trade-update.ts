/**
 * trade_updates stream events (docs/alpaca.md §7.3). An event name this build does not know is
 * parsed as event 'unknown' (eventRaw keeps it) and means "refresh this order by REST" —
 * never a guess about what happened.
 */
import type { Decimal } from './money.js';
import type { EpochMs } from './time.js';
import type { Order } from './order.js';

export const TRADE_EVENTS = [
  'accepted', 'pending_new', 'new', 'partial_fill', 'fill', 'pending_cancel', 'canceled',
  'expired', 'done_for_day', 'pending_replace', 'replaced', 'order_replace_rejected',
  'order_cancel_rejected', 'rejected', 'stopped', 'calculated', 'suspended', 'restated',
] as const;
export type KnownTradeEvent = (typeof TRADE_EVENTS)[number];
export type TradeEvent = KnownTradeEvent | 'unknown';

export interface TradeUpdate {
  event: TradeEvent;
  eventRaw: string;
  /** the order after the event */
  order: Order;
  timestamp: EpochMs | null;
  /** fill / partial_fill: this execution only */
  executionId: string | null;
  price: Decimal | null;
  qty: Decimal | null;
  /** position after the event; negative = short */
  positionQty: Decimal | null;
  eventId: string | null;
  at: EpochMs | null;
}
