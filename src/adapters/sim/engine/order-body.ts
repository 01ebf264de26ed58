/**
 * Stateless validation of a POST /v2/orders body, as Alpaca does it (docs/alpaca.md §1.3, §2.5.1):
 * numbers may be JSON numbers or strings; null and "" mean absent. Rules and their answers:
 *  - symbol/side/type/time_in_force required and known            → 422 40010001 "<field> is required" / "invalid <field>"
 *  - neither qty nor notional                                      → 422 40010001 "qty is required"
 *  - both qty and notional (wording UNCONFIRMED; we chose 422)     → 422 40010001 "qty and notional are mutually exclusive"
 *  - qty/notional ≤ 0                                              → 422 40010001 "qty must be > 0" / "notional must be > 0"
 *  - notional ⇒ market + day; fractional qty ⇒ day                 → 422 40010001
 *  - limit/stop/stop_limit prices, trailing trail_price xor trail_percent → 422 40010001 "<field> is required"
 *  - extended_hours ⇒ limit, day|gtc, whole shares                 → 422 40010001
 *  - sub-penny limit/stop (≥ $1: 2 dp, < $1: 4 dp)                 → 422 42210000 (fixture wording)
 *  - client_order_id > 128 chars                                   → 422 40010001
 *  - order_class simple/"" / bracket / oco / oto (mleg is not simulated); take_profit.limit_price and
 *    stop_loss.stop_price / limit_price parsed like the order's own prices (the class rules that need
 *    the market are order-classes.ts)
 */
import { Decimal, isDecimalString } from '../../../domain/money.js';
import {
  ORDER_SIDES, ORDER_TYPES, TIME_IN_FORCE, type OrderClass, type OrderSide, type OrderType, type TimeInForce,
} from '../../../domain/order.js';
import { fail, invalid, unprocessable, type SimFailure } from './sim-errors.js';

/** an advanced order's legs as the body gives them (order-classes.ts has their rules) */
export interface LegSpec {
  takeProfit: { limitPrice: Decimal } | null;
  stopLoss: { stopPrice: Decimal; limitPrice: Decimal | null } | null;
}

export interface SimOrderInput {
  symbol: string;
  side: OrderSide;
  type: OrderType;
  timeInForce: TimeInForce;
  qty: Decimal | null;
  notional: Decimal | null;
  limitPrice: Decimal | null;
  stopPrice: Decimal | null;
  trailPrice: Decimal | null;
  trailPercent: Decimal | null;
  extendedHours: boolean;
  clientOrderId: string | null;
  positionIntent: string | null;
  orderClass: OrderClass;
  legs: LegSpec;
}

export type Parsed<T> = { ok: true; value: T } | SimFailure;

export const absent = (v: unknown): boolean => v === undefined || v === null || v === '';

export function decimalField(body: Record<string, unknown>, field: string): Parsed<Decimal | null> {
  const v = body[field];
  if (absent(v)) return { ok: true, value: null };
  const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v : null;
  if (text === null || !isDecimalString(text) || !Number.isFinite(Number(text))) return invalid(`invalid ${field}`);
  return { ok: true, value: new Decimal(text.trim()) };
}

function enumField<T extends string>(body: Record<string, unknown>, field: string, allowed: readonly T[]): Parsed<T> {
  const v = body[field];
  if (absent(v)) return invalid(`${field} is required`);
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) return invalid(`invalid ${field}`);
  return { ok: true, value: v as T };
}

export function subPenny(field: string, price: Decimal | null): SimFailure | null {
  if (!price) return null;
  if (price.lte(0)) return invalid(`${field} must be > 0`);
  const maxDp = price.gte(1) ? 2 : 4;
  if (price.decimalPlaces() <= maxDp) return null;
  return unprocessable(`invalid ${field} ${price.toFixed()}. sub-penny increment does not fulfill minimum pricing criteria`);
}

export function parseOrderBody(raw: unknown): Parsed<SimOrderInput> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(400, 40010000, 'failed to decode request body');
  const body = raw as Record<string, unknown>;
  const rawClass = body.order_class;
  if (!absent(rawClass) && !(typeof rawClass === 'string' && ['simple', 'bracket', 'oco', 'oto', 'mleg'].includes(rawClass))) return invalid('invalid order_class');
  const orderClass = (absent(rawClass) ? 'simple' : rawClass) as OrderClass;
  const legs = parseLegs(body, orderClass);
  if (!legs.ok) return legs;
  if (absent(body.symbol) || typeof body.symbol !== 'string') return invalid('symbol is required');
  const side = enumField(body, 'side', ORDER_SIDES);
  if (!side.ok) return side;
  const type = enumField(body, 'type', ORDER_TYPES);
  if (!type.ok) return type;
  const tif = enumField(body, 'time_in_force', TIME_IN_FORCE);
  if (!tif.ok) return tif;
  const fields = ['qty', 'notional', 'limit_price', 'stop_price', 'trail_price', 'trail_percent'] as const;
  const values: Partial<Record<(typeof fields)[number], Decimal | null>> = {};
  for (const f of fields) {
    const r = decimalField(body, f);
    if (!r.ok) return r;
    values[f] = r.value;
  }
  const input: SimOrderInput = {
    symbol: body.symbol.trim().toUpperCase(), side: side.value, type: type.value, timeInForce: tif.value,
    qty: values.qty ?? null, notional: values.notional ?? null,
    limitPrice: type.value === 'limit' || type.value === 'stop_limit' ? values.limit_price ?? null : null,
    stopPrice: type.value === 'stop' || type.value === 'stop_limit' ? values.stop_price ?? null : null,
    trailPrice: type.value === 'trailing_stop' ? values.trail_price ?? null : null,
    trailPercent: type.value === 'trailing_stop' ? values.trail_percent ?? null : null,
    extendedHours: body.extended_hours === true || body.extended_hours === 'true',
    clientOrderId: absent(body.client_order_id) ? null : String(body.client_order_id),
    positionIntent: typeof body.position_intent === 'string' && body.position_intent !== '' ? body.position_intent : null,
    orderClass, legs: legs.value,
  };
  // an oco's own limit is its take-profit (Alpaca takes either field)
  if (orderClass === 'oco' && input.limitPrice === null && legs.value.takeProfit) input.limitPrice = legs.value.takeProfit.limitPrice;
  const problem = checkRules(input);
  return problem ?? { ok: true, value: input };
}

function parseLegs(body: Record<string, unknown>, orderClass: OrderClass): Parsed<LegSpec> {
  if (orderClass === 'simple') return { ok: true, value: { takeProfit: null, stopLoss: null } };
  const part = (name: string): Record<string, unknown> | null | 'bad' => {
    const v = body[name];
    if (absent(v)) return null;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : 'bad';
  };
  const tp = part('take_profit');
  const sl = part('stop_loss');
  if (tp === 'bad') return invalid('invalid take_profit');
  if (sl === 'bad') return invalid('invalid stop_loss');
  let takeProfit: LegSpec['takeProfit'] = null;
  if (tp) {
    const limit = decimalField(tp, 'limit_price');
    if (!limit.ok) return invalid('invalid take_profit.limit_price');
    if (!limit.value) return invalid('take_profit.limit_price is required');
    const sub = subPenny('take_profit.limit_price', limit.value);
    if (sub) return sub;
    takeProfit = { limitPrice: limit.value };
  }
  let stopLoss: LegSpec['stopLoss'] = null;
  if (sl) {
    const stop = decimalField(sl, 'stop_price');
    const limit = decimalField(sl, 'limit_price');
    if (!stop.ok || !limit.ok) return invalid('invalid stop_loss');
    if (!stop.value) return invalid('stop_loss.stop_price is required');
    const sub = subPenny('stop_loss.stop_price', stop.value) ?? subPenny('stop_loss.limit_price', limit.value);
    if (sub) return sub;
    stopLoss = { stopPrice: stop.value, limitPrice: limit.value };
  }
  return { ok: true, value: { takeProfit, stopLoss } };
}

function checkRules(o: SimOrderInput): SimFailure | null {
  if (!o.qty && !o.notional) return invalid('qty is required');
  if (o.qty && o.notional) return invalid('qty and notional are mutually exclusive');
  if (o.qty && o.qty.lte(0)) return invalid('qty must be > 0');
  if (o.notional && o.notional.lte(0)) return invalid('notional must be > 0');
  const fractional = o.notional !== null || !o.qty!.isInteger();
  if (o.notional && o.type !== 'market') return invalid('notional orders must be market orders');
  if (fractional && o.timeInForce !== 'day') return invalid('fractional orders must be DAY orders');
  if ((o.type === 'limit' || o.type === 'stop_limit') && !o.limitPrice && o.orderClass !== 'oco') return invalid('limit_price is required');
  if (o.orderClass === 'oco' && !o.limitPrice) return invalid('take_profit.limit_price is required');
  if ((o.type === 'stop' || o.type === 'stop_limit') && !o.stopPrice) return invalid('stop_price is required');
  if (o.type === 'trailing_stop') {
    if (!o.trailPrice && !o.trailPercent) return invalid('trail_price or trail_percent is required');
    if (o.trailPrice && o.trailPercent) return invalid('trail_price and trail_percent are mutually exclusive');
    if (o.timeInForce !== 'day' && o.timeInForce !== 'gtc') return invalid('invalid time_in_force for trailing_stop orders');
    if ((o.trailPrice ?? o.trailPercent)!.lte(0)) return invalid('trail must be > 0');
  }
  if (o.extendedHours) {
    if (o.type !== 'limit') return invalid('only type="limit" is allowed for extended hours orders');
    if (o.timeInForce !== 'day' && o.timeInForce !== 'gtc') return invalid('only time_in_force="day" or "gtc" is allowed for extended hours orders');
    if (fractional) return invalid('fractional orders are not eligible for extended hours');
  }
  if (o.clientOrderId !== null && o.clientOrderId.length > 128) return invalid('client_order_id must be no more than 128 characters');
  return subPenny('limit_price', o.limitPrice) ?? subPenny('stop_price', o.stopPrice);
}
