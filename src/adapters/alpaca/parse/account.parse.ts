/**
 * Account, positions, clock, calendar and FILL activities (docs/alpaca.md §2, §4.2–4.3).
 * Invariants: the PDT fields removed on 2026-07-06 are never read; the safety flags
 * (trading_blocked, account_blocked, ...) are required — Keel does not assume "not blocked";
 * a position's qty is signed (negative for shorts) exactly as sent.
 */
import type { Account, CalendarDay, FillActivity, MarketClock, Position } from '../../../domain/account.js';
import { ORDER_SIDES } from '../../../domain/order.js';
import { FieldReader, type Problems } from './field-reader.js';

export function readAccount(json: unknown, path: string, problems: Problems): Account | null {
  const r = FieldReader.of(json, path, problems);
  if (!r) return null;
  return {
    id: r.string('id'),
    accountNumber: r.string('account_number'),
    status: r.string('status'),
    currency: r.string('currency'),
    cash: r.decimal('cash'),
    buyingPower: r.decimal('buying_power'),
    regtBuyingPower: r.optDecimal('regt_buying_power'),
    nonMarginableBuyingPower: r.optDecimal('non_marginable_buying_power'),
    equity: r.decimal('equity'),
    lastEquity: r.optDecimal('last_equity'),
    longMarketValue: r.optDecimal('long_market_value'),
    shortMarketValue: r.optDecimal('short_market_value'),
    portfolioValue: r.optDecimal('portfolio_value'),
    initialMargin: r.optDecimal('initial_margin'),
    maintenanceMargin: r.optDecimal('maintenance_margin'),
    multiplier: r.optDecimal('multiplier'),
    tradingBlocked: r.bool('trading_blocked'),
    accountBlocked: r.bool('account_blocked'),
    transfersBlocked: r.bool('transfers_blocked'),
    tradeSuspendedByUser: r.bool('trade_suspended_by_user'),
    shortingEnabled: r.bool('shorting_enabled'),
    createdAt: r.optTimestamp('created_at'),
  };
}

export function readPosition(json: unknown, path: string, problems: Problems): Position | null {
  const r = FieldReader.of(json, path, problems);
  if (!r) return null;
  return {
    symbol: r.string('symbol'),
    assetId: r.string('asset_id'),
    assetClass: r.string('asset_class'),
    // a free string: crypto positions have carried values outside the documented enum
    exchange: r.optString('exchange') ?? '',
    side: r.oneOf('side', ['long', 'short'] as const),
    qty: r.decimal('qty'),
    qtyAvailable: r.optDecimal('qty_available'),
    avgEntryPrice: r.decimal('avg_entry_price'),
    marketValue: r.optDecimal('market_value'),
    costBasis: r.optDecimal('cost_basis'),
    unrealizedPl: r.optDecimal('unrealized_pl'),
    unrealizedPlpc: r.optDecimal('unrealized_plpc'),
    currentPrice: r.optDecimal('current_price'),
    lastdayPrice: r.optDecimal('lastday_price'),
    changeToday: r.optDecimal('change_today'),
    assetMarginable: r.has('asset_marginable') ? r.bool('asset_marginable') : null,
    unrealizedIntradayPl: r.optDecimal('unrealized_intraday_pl'),
    unrealizedIntradayPlpc: r.optDecimal('unrealized_intraday_plpc'),
  };
}

export function readClock(json: unknown, path: string, problems: Problems): MarketClock | null {
  const r = FieldReader.of(json, path, problems);
  if (!r) return null;
  return {
    timestamp: r.timestamp('timestamp'),
    isOpen: r.bool('is_open'),
    nextOpen: r.timestamp('next_open'),
    nextClose: r.timestamp('next_close'),
  };
}

function pattern(r: FieldReader, key: string, re: RegExp, expected: string, optional: boolean): string | null {
  if (optional && !r.has(key)) return null;
  const v = r.raw(key);
  if (typeof v === 'string' && re.test(v)) return v;
  r.fail(key, expected);
  return '';
}

export function readCalendarDay(json: unknown, path: string, problems: Problems): CalendarDay | null {
  const r = FieldReader.of(json, path, problems);
  if (!r) return null;
  const date = /^\d{4}-\d{2}-\d{2}$/;
  const hhmm = /^\d{2}:\d{2}$/;
  const compact = /^\d{4}$/;
  return {
    date: pattern(r, 'date', date, 'YYYY-MM-DD', false) ?? '',
    open: pattern(r, 'open', hhmm, 'HH:MM', false) ?? '',
    close: pattern(r, 'close', hhmm, 'HH:MM', false) ?? '',
    sessionOpen: pattern(r, 'session_open', compact, 'HHMM', true),
    sessionClose: pattern(r, 'session_close', compact, 'HHMM', true),
    // required by the 2026 schema, absent from older captures
    settlementDate: pattern(r, 'settlement_date', date, 'YYYY-MM-DD', true),
  };
}

export function readFillActivity(json: unknown, path: string, problems: Problems): FillActivity | null {
  const r = FieldReader.of(json, path, problems);
  if (!r) return null;
  if (r.has('activity_type') && r.raw('activity_type') !== 'FILL') r.fail('activity_type', '"FILL"');
  return {
    id: r.string('id'),
    orderId: r.string('order_id'),
    symbol: r.string('symbol'),
    side: r.oneOf('side', ORDER_SIDES),
    qty: r.decimal('qty'),
    price: r.decimal('price'),
    cumQty: r.decimal('cum_qty'),
    leavesQty: r.decimal('leaves_qty'),
    type: r.oneOf('type', ['fill', 'partial_fill'] as const),
    orderStatus: r.string('order_status'),
    transactionTime: r.timestamp('transaction_time'),
  };
}
