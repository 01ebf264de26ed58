/**
 * Account, position, clock, calendar day and FILL activity on the wire (docs/alpaca.md §2, §4).
 * Optional money fields the domain holds as null are OMITTED rather than sent as null: Alpaca
 * types them as non-nullable strings, and the parser reads absent as null, so round trips hold.
 * Position fields the domain does not model (asset_marginable, unrealized_intraday_pl/plpc)
 * are not invented; tests/unit/request-schema.test.ts lists them.
 */
import type { Account, CalendarDay, FillActivity, MarketClock, Position } from '../../../domain/account.js';
import { toWire } from '../../../domain/money.js';
import { toIso } from '../../../domain/time.js';
import { toNewYorkRfc3339 } from './ny-time.js';
import { decOrNull, timeOrNull, withoutNulls } from './wire-values.js';

export function accountToWire(account: Account): Record<string, unknown> {
  return withoutNulls({
    id: account.id,
    account_number: account.accountNumber,
    status: account.status,
    currency: account.currency,
    cash: toWire(account.cash),
    buying_power: toWire(account.buyingPower),
    regt_buying_power: decOrNull(account.regtBuyingPower),
    non_marginable_buying_power: decOrNull(account.nonMarginableBuyingPower),
    equity: toWire(account.equity),
    last_equity: decOrNull(account.lastEquity),
    long_market_value: decOrNull(account.longMarketValue),
    short_market_value: decOrNull(account.shortMarketValue),
    portfolio_value: decOrNull(account.portfolioValue),
    initial_margin: decOrNull(account.initialMargin),
    maintenance_margin: decOrNull(account.maintenanceMargin),
    multiplier: decOrNull(account.multiplier),
    trading_blocked: account.tradingBlocked,
    account_blocked: account.accountBlocked,
    transfers_blocked: account.transfersBlocked,
    trade_suspended_by_user: account.tradeSuspendedByUser,
    shorting_enabled: account.shortingEnabled,
    created_at: timeOrNull(account.createdAt),
  });
}

export function positionToWire(position: Position): Record<string, unknown> {
  return withoutNulls({
    asset_id: position.assetId,
    symbol: position.symbol,
    exchange: position.exchange,
    asset_class: position.assetClass,
    avg_entry_price: toWire(position.avgEntryPrice),
    qty: toWire(position.qty),
    qty_available: decOrNull(position.qtyAvailable),
    side: position.side,
    market_value: decOrNull(position.marketValue),
    cost_basis: decOrNull(position.costBasis),
    unrealized_pl: decOrNull(position.unrealizedPl),
    unrealized_plpc: decOrNull(position.unrealizedPlpc),
    current_price: decOrNull(position.currentPrice),
    lastday_price: decOrNull(position.lastdayPrice),
    change_today: decOrNull(position.changeToday),
    asset_marginable: position.assetMarginable,
    unrealized_intraday_pl: decOrNull(position.unrealizedIntradayPl),
    unrealized_intraday_plpc: decOrNull(position.unrealizedIntradayPlpc),
  });
}

export function clockToWire(clock: MarketClock): Record<string, unknown> {
  return {
    timestamp: toNewYorkRfc3339(clock.timestamp),
    is_open: clock.isOpen,
    next_open: toNewYorkRfc3339(clock.nextOpen),
    next_close: toNewYorkRfc3339(clock.nextClose),
  };
}

export function calendarDayToWire(day: CalendarDay): Record<string, unknown> {
  return withoutNulls({
    date: day.date,
    open: day.open,
    close: day.close,
    session_open: day.sessionOpen,
    session_close: day.sessionClose,
    settlement_date: day.settlementDate,
  });
}

export function fillActivityToWire(fill: FillActivity): Record<string, unknown> {
  return {
    activity_type: 'FILL',
    id: fill.id,
    cum_qty: toWire(fill.cumQty),
    leaves_qty: toWire(fill.leavesQty),
    order_id: fill.orderId,
    order_status: fill.orderStatus,
    price: toWire(fill.price),
    qty: toWire(fill.qty),
    side: fill.side,
    symbol: fill.symbol,
    transaction_time: toIso(fill.transactionTime),
    type: fill.type,
  };
}
