/**
 * Orders as Keel sees them, parsed from Alpaca's Order object (docs/alpaca.md §4.1).
 * Invariants: decimals are exact (Decimal); `status` is 'unknown' (never guessed) when Alpaca
 * sends a status this build does not know, and `statusRaw` keeps what was sent; an unknown
 * status is treated as NOT terminal, so the order keeps being watched.
 */
import type { Decimal } from './money.js';
import type { EpochMs } from './time.js';

export const ORDER_SIDES = ['buy', 'sell'] as const;
export type OrderSide = (typeof ORDER_SIDES)[number];

export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit', 'trailing_stop'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export const TIME_IN_FORCE = ['day', 'gtc', 'opg', 'cls', 'ioc', 'fok'] as const;
export type TimeInForce = (typeof TIME_IN_FORCE)[number];

/** `""` on the wire is normalised to 'simple'. */
export const ORDER_CLASSES = ['simple', 'bracket', 'oco', 'oto', 'mleg'] as const;
export type OrderClass = (typeof ORDER_CLASSES)[number];

export const ORDER_STATUSES = [
  'new', 'partially_filled', 'filled', 'done_for_day', 'canceled', 'expired', 'replaced',
  'pending_cancel', 'pending_replace', 'accepted', 'pending_new', 'accepted_for_bidding',
  'stopped', 'rejected', 'suspended', 'calculated', 'held',
] as const;
export type KnownOrderStatus = (typeof ORDER_STATUSES)[number];
export type OrderStatus = KnownOrderStatus | 'unknown';

export const TERMINAL_ORDER_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'filled', 'canceled', 'expired', 'replaced', 'rejected',
]);

/** Terminal = no further fills can happen. done_for_day is not terminal (fills may resume). */
export function isTerminalStatus(status: OrderStatus): boolean {
  return TERMINAL_ORDER_STATUSES.has(status);
}

export interface Order {
  id: string;
  clientOrderId: string;
  symbol: string;
  assetId: string;
  assetClass: string;
  side: OrderSide;
  type: OrderType;
  timeInForce: TimeInForce;
  orderClass: OrderClass;
  status: OrderStatus;
  statusRaw: string;
  /** null for notional orders. */
  qty: Decimal | null;
  /** null unless submitted by notional. */
  notional: Decimal | null;
  /** cumulative */
  filledQty: Decimal;
  /** cumulative VWAP; null before the first fill */
  filledAvgPrice: Decimal | null;
  limitPrice: Decimal | null;
  stopPrice: Decimal | null;
  trailPrice: Decimal | null;
  trailPercent: Decimal | null;
  hwm: Decimal | null;
  extendedHours: boolean;
  positionIntent: string | null;
  createdAt: EpochMs;
  updatedAt: EpochMs | null;
  submittedAt: EpochMs | null;
  filledAt: EpochMs | null;
  expiredAt: EpochMs | null;
  canceledAt: EpochMs | null;
  failedAt: EpochMs | null;
  replacedAt: EpochMs | null;
  replacedBy: string | null;
  replaces: string | null;
  /** children with nested=true (bracket/oco/oto), else null */
  legs: Order[] | null;
}

/** What Keel asks the broker for. Keel always sets clientOrderId (derived, persisted before POST). */
export interface OrderRequest {
  symbol: string;
  side: OrderSide;
  type: OrderType;
  timeInForce: TimeInForce;
  clientOrderId: string;
  /** exactly one of qty / notional */
  qty?: Decimal;
  notional?: Decimal;
  limitPrice?: Decimal;
  stopPrice?: Decimal;
  trailPrice?: Decimal;
  trailPercent?: Decimal;
  extendedHours?: boolean;
  orderClass?: OrderClass;
  takeProfit?: { limitPrice: Decimal };
  stopLoss?: { stopPrice: Decimal; limitPrice?: Decimal };
}

/**
 * PATCH /v2/orders/{id}: what a replacement changes (the rest is the old order's). The answer is a
 * NEW order with its own id; the old one ends `replaced`. A new client order id is always given, so
 * an answer lost on the way is found by it.
 */
export interface OrderReplace {
  clientOrderId: string;
  qty?: Decimal;
  timeInForce?: TimeInForce;
  limitPrice?: Decimal;
  stopPrice?: Decimal;
}

export interface ListOrdersQuery {
  status?: 'open' | 'closed' | 'all';
  /** per page; max 500 */
  limit?: number;
  /** exclusive submission-time bounds */
  after?: EpochMs;
  until?: EpochMs;
  direction?: 'asc' | 'desc';
  nested?: boolean;
  symbols?: string[];
  side?: OrderSide;
}
