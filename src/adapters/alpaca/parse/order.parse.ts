/**
 * Alpaca Order object → domain Order (docs/alpaca.md §4.1).
 * Invariants: an unknown status is kept as 'unknown' + statusRaw (never guessed);
 * `order_class` "" or absent → 'simple'; nullable fields may also be absent (2019 payloads);
 * decimals exact.
 * Tolerated non-equity shapes (real fixtures, Keel never places them): multi-leg option parents
 * carry `side: ""` and `symbol: ""`, their legs `type: ""`. With order_class 'mleg' only, an
 * empty side reads as 'buy' and an empty type as 'limit' when a limit_price is set, else
 * 'market'. These are placeholders: symbol "" matches no position Keel trades, and statusRaw /
 * the journaled payload keep the truth. Anywhere else an empty side/type is a problem.
 */
import {
  ORDER_CLASSES, ORDER_SIDES, ORDER_STATUSES, ORDER_TYPES, TIME_IN_FORCE,
  type KnownOrderStatus, type Order, type OrderClass, type OrderSide, type OrderType,
} from '../../../domain/order.js';
import { ZERO } from '../../../domain/money.js';
import { FieldReader, joinPath, type Problems } from './field-reader.js';

const PLACEHOLDER: Order = {
  id: '', clientOrderId: '', symbol: '', assetId: '', assetClass: '', side: 'buy', type: 'market',
  timeInForce: 'day', orderClass: 'simple', status: 'unknown', statusRaw: '', qty: null, notional: null,
  filledQty: ZERO, filledAvgPrice: null, limitPrice: null, stopPrice: null, trailPrice: null,
  trailPercent: null, hwm: null, extendedHours: false, positionIntent: null, createdAt: 0, updatedAt: null,
  submittedAt: null, filledAt: null, expiredAt: null, canceledAt: null, failedAt: null, replacedAt: null,
  replacedBy: null, replaces: null, legs: null,
};

function readOrderClass(r: FieldReader): OrderClass {
  const raw = r.raw('order_class');
  if (raw === undefined || raw === null || raw === '') return 'simple';
  return r.oneOf('order_class', ORDER_CLASSES);
}

function readSide(r: FieldReader, orderClass: OrderClass): OrderSide {
  if (orderClass === 'mleg' && r.raw('side') === '') return 'buy';
  return r.oneOf('side', ORDER_SIDES);
}

function readType(r: FieldReader, orderClass: OrderClass): OrderType {
  if (orderClass === 'mleg' && r.raw('type') === '') return r.has('limit_price') ? 'limit' : 'market';
  return r.oneOf('type', ORDER_TYPES);
}

function readLegs(r: FieldReader): Order[] | null {
  const legs = r.raw('legs');
  if (legs === undefined || legs === null) return null;
  if (!Array.isArray(legs)) {
    r.fail('legs', 'array or null');
    return null;
  }
  const path = joinPath(r.path, 'legs');
  return legs.map((leg, i) => readOrder(leg, joinPath(path, i), r.problems));
}

/** Reads one order, recording problems under `path`; the result is meaningful only if none were added. */
export function readOrder(json: unknown, path: string, problems: Problems): Order {
  const r = FieldReader.of(json, path, problems);
  if (!r) return PLACEHOLDER;
  const orderClass = readOrderClass(r);
  const statusRaw = r.string('status');
  const known = (ORDER_STATUSES as readonly string[]).includes(statusRaw);
  return {
    id: r.string('id'),
    clientOrderId: r.string('client_order_id'),
    symbol: r.string('symbol'),
    assetId: r.optString('asset_id') ?? '',
    assetClass: r.optString('asset_class') ?? '',
    side: readSide(r, orderClass),
    type: readType(r, orderClass),
    timeInForce: r.oneOf('time_in_force', TIME_IN_FORCE),
    orderClass,
    status: known ? (statusRaw as KnownOrderStatus) : 'unknown',
    statusRaw,
    qty: r.optDecimal('qty'),
    notional: r.optDecimal('notional'),
    filledQty: r.decimal('filled_qty'),
    filledAvgPrice: r.optDecimal('filled_avg_price'),
    limitPrice: r.optDecimal('limit_price'),
    stopPrice: r.optDecimal('stop_price'),
    trailPrice: r.optDecimal('trail_price'),
    trailPercent: r.optDecimal('trail_percent'),
    hwm: r.optDecimal('hwm'),
    extendedHours: r.boolOr('extended_hours', false),
    positionIntent: r.optString('position_intent'),
    createdAt: r.timestamp('created_at'),
    updatedAt: r.optTimestamp('updated_at'),
    submittedAt: r.optTimestamp('submitted_at'),
    filledAt: r.optTimestamp('filled_at'),
    expiredAt: r.optTimestamp('expired_at'),
    canceledAt: r.optTimestamp('canceled_at'),
    failedAt: r.optTimestamp('failed_at'),
    replacedAt: r.optTimestamp('replaced_at'),
    replacedBy: r.optString('replaced_by'),
    replaces: r.optString('replaces'),
    legs: readLegs(r),
  };
}
