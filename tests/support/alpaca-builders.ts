/** Hand-written builders of fully populated domain objects, for serializer round trips and schema checks. */
import { dec } from '../../src/domain/money.js';
import type { Account, CalendarDay, FillActivity, MarketClock, Position } from '../../src/domain/account.js';
import type { Order, OrderRequest } from '../../src/domain/order.js';
import type { TradeUpdate } from '../../src/domain/trade-update.js';
import type { Bar, Quote, Snapshot, Trade } from '../../src/domain/market-data.js';

const T0 = Date.parse('2026-11-23T14:31:25.123Z');

export function anOrder(overrides: Partial<Order> = {}): Order {
  return {
    id: '61e69015-8549-4bfd-b9c3-01e75843f47d',
    clientOrderId: 'keel-sig-42-entry',
    symbol: 'AAPL',
    assetId: 'b0b6dd9d-8b9b-48a9-ba46-b9d54906e415',
    assetClass: 'us_equity',
    side: 'buy',
    type: 'limit',
    timeInForce: 'day',
    orderClass: 'simple',
    status: 'partially_filled',
    statusRaw: 'partially_filled',
    qty: dec('10'),
    notional: null,
    filledQty: dec('4'),
    filledAvgPrice: dec('105.8988475'),
    limitPrice: dec('106.25'),
    stopPrice: null,
    trailPrice: null,
    trailPercent: null,
    hwm: null,
    extendedHours: false,
    positionIntent: 'buy_to_open',
    createdAt: T0,
    updatedAt: T0 + 900,
    submittedAt: T0 + 5,
    filledAt: null,
    expiredAt: null,
    canceledAt: null,
    failedAt: null,
    replacedAt: null,
    replacedBy: null,
    replaces: null,
    legs: null,
    ...overrides,
  };
}

export function aBracketOrder(): Order {
  const parent = anOrder({ orderClass: 'bracket', type: 'market', limitPrice: null, status: 'new', statusRaw: 'new', filledQty: dec('0'), filledAvgPrice: null });
  const takeProfit = anOrder({ id: 'a1f4c1d2-0000-4000-8000-000000000001', clientOrderId: 'keel-sig-42-tp', side: 'sell', orderClass: 'bracket', status: 'held', statusRaw: 'held', filledQty: dec('0'), filledAvgPrice: null, limitPrice: dec('120'), positionIntent: null });
  const stopLoss = anOrder({ id: 'a1f4c1d2-0000-4000-8000-000000000002', clientOrderId: 'keel-sig-42-sl', side: 'sell', type: 'stop', orderClass: 'bracket', status: 'held', statusRaw: 'held', filledQty: dec('0'), filledAvgPrice: null, limitPrice: null, stopPrice: dec('95.5'), positionIntent: null });
  return { ...parent, legs: [takeProfit, stopLoss] };
}

export function aPosition(overrides: Partial<Position> = {}): Position {
  return {
    symbol: 'SLM', assetId: '062b2922-9e0b-4f99-bd72-57ab93d251dc', assetClass: 'us_equity', exchange: 'NASDAQ',
    side: 'short', qty: dec('-2478'), qtyAvailable: dec('-2478'), avgEntryPrice: dec('8.36'),
    marketValue: dec('-22078.98'), costBasis: dec('-20716.08'), unrealizedPl: dec('-1362.9'),
    unrealizedPlpc: dec('-0.0657894736842105'), currentPrice: dec('8.91'), lastdayPrice: dec('8.87'),
    changeToday: dec('0.0045095828635851'), assetMarginable: true,
    unrealizedIntradayPl: dec('-99.12'), unrealizedIntradayPlpc: dec('-0.0045095828635851'),
    ...overrides,
  };
}

export function anAccount(overrides: Partial<Account> = {}): Account {
  return {
    id: '1d9eed04-be39-4e01-9b84-a48ac5bbafcf', accountNumber: 'PA123', status: 'ACTIVE', currency: 'USD',
    cash: dec('-23140.2'), buyingPower: dec('245432.61'), regtBuyingPower: dec('80680.36'),
    nonMarginableBuyingPower: dec('122086.5'), equity: dec('103820.56'), lastEquity: dec('122011.09751111286868'),
    longMarketValue: dec('126960.76'), shortMarketValue: dec('0'), portfolioValue: dec('103820.56'),
    initialMargin: dec('63480.38'), maintenanceMargin: dec('38088.228'), multiplier: dec('4'),
    tradingBlocked: false, accountBlocked: false, transfersBlocked: false, tradeSuspendedByUser: false,
    shortingEnabled: true, createdAt: Date.parse('2019-06-12T22:47:07.996Z'),
    ...overrides,
  };
}

export function aClock(): MarketClock {
  return {
    timestamp: Date.parse('2025-06-24T18:15:22Z'), isOpen: true,
    nextOpen: Date.parse('2025-06-25T13:30:00Z'), nextClose: Date.parse('2025-06-24T20:00:00Z'),
  };
}

export function aCalendarDay(): CalendarDay {
  return { date: '2025-11-28', open: '09:30', close: '13:00', sessionOpen: '0400', sessionClose: '1700', settlementDate: '2025-12-01' };
}

export function aFill(): FillActivity {
  return {
    id: '20220202135509981::2d7be4ff-d1f3-43e9-856a-0f5cf5c5088e', orderId: 'b5abe576-6a8a-49f3-a353-46b72c1ccae9',
    symbol: 'AAPL', side: 'buy', qty: dec('0.5'), price: dec('174.785'), cumQty: dec('2.5'), leavesQty: dec('0'),
    type: 'fill', orderStatus: 'filled', transactionTime: Date.parse('2022-02-02T18:55:09.981Z'),
  };
}

export function aFillUpdate(): TradeUpdate {
  return {
    event: 'fill', eventRaw: 'fill',
    order: anOrder({ status: 'filled', statusRaw: 'filled', filledQty: dec('10'), filledAt: T0 + 2000 }),
    timestamp: T0 + 2000, executionId: '2f63ea93-423d-4169-b3f6-3fdafc10c418', price: dec('105.91'),
    qty: dec('6'), positionQty: dec('10'), eventId: '01JJ3WE73W5PG672TC4XACXH5R', at: T0 + 2010,
  };
}

export function aTrade(): Trade {
  return { symbol: 'AAPL', t: T0, price: 172.61, size: 160, exchange: 'Q', id: 1011, conditions: ['@', 'T'], tape: 'C' };
}

export function aQuote(): Quote {
  return {
    symbol: 'AAPL', t: T0 + 1, bidExchange: 'Q', bidPrice: 172.6, bidSize: 200, askExchange: 'P', askPrice: 172.65,
    askSize: 100, conditions: ['R'], tape: 'C',
  };
}

export function aBar(overrides: Partial<Bar> = {}): Bar {
  return { symbol: 'AAPL', t: Date.parse('2026-11-23T14:31:00Z'), o: 172.65, h: 172.7, l: 172.6, c: 172.61, v: 3746, n: 57, vw: 172.618377, ...overrides };
}

export function aSnapshot(): Snapshot {
  return {
    symbol: 'AAPL', latestTrade: aTrade(), latestQuote: aQuote(), minuteBar: aBar(),
    dailyBar: aBar({ t: Date.parse('2026-11-23T05:00:00Z'), v: 56457696, n: 515139 }), prevDailyBar: null,
  };
}

export function anOrderRequest(overrides: Partial<OrderRequest> = {}): OrderRequest {
  return { symbol: 'AAPL', side: 'buy', type: 'market', timeInForce: 'day', clientOrderId: 'keel-sig-42-entry', qty: dec('10'), ...overrides };
}
