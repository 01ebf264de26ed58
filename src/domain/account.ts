/**
 * Account, positions, clock, calendar and fill activities (docs/alpaca.md §2, §4).
 * The PDT fields (pattern_day_trader, daytrade_count, daytrading_buying_power) were removed by
 * Alpaca on 2026-07-06: Keel neither models nor reads them.
 */
import type { Decimal } from './money.js';
import type { EpochMs } from './time.js';
import type { OrderSide } from './order.js';

export interface Account {
  id: string;
  accountNumber: string;
  status: string;
  currency: string;
  cash: Decimal;
  buyingPower: Decimal;
  regtBuyingPower: Decimal | null;
  nonMarginableBuyingPower: Decimal | null;
  equity: Decimal;
  lastEquity: Decimal | null;
  longMarketValue: Decimal | null;
  shortMarketValue: Decimal | null;
  portfolioValue: Decimal | null;
  initialMargin: Decimal | null;
  maintenanceMargin: Decimal | null;
  multiplier: Decimal | null;
  tradingBlocked: boolean;
  accountBlocked: boolean;
  transfersBlocked: boolean;
  tradeSuspendedByUser: boolean;
  shortingEnabled: boolean;
  createdAt: EpochMs | null;
}

export interface Position {
  symbol: string;
  assetId: string;
  assetClass: string;
  exchange: string;
  side: 'long' | 'short';
  /** signed: negative for shorts */
  qty: Decimal;
  qtyAvailable: Decimal | null;
  avgEntryPrice: Decimal;
  marketValue: Decimal | null;
  costBasis: Decimal | null;
  unrealizedPl: Decimal | null;
  unrealizedPlpc: Decimal | null;
  currentPrice: Decimal | null;
  lastdayPrice: Decimal | null;
  changeToday: Decimal | null;
  assetMarginable: boolean | null;
  /** P&L since the start of today's session */
  unrealizedIntradayPl: Decimal | null;
  unrealizedIntradayPlpc: Decimal | null;
}

export interface MarketClock {
  timestamp: EpochMs;
  isOpen: boolean;
  nextOpen: EpochMs;
  nextClose: EpochMs;
}

/** Times are America/New_York wall-clock strings, exactly as Alpaca sends them. */
export interface CalendarDay {
  date: string; // YYYY-MM-DD
  open: string; // HH:MM
  close: string; // HH:MM (13:00 on early closes)
  sessionOpen: string | null; // HHMM
  sessionClose: string | null; // HHMM
  settlementDate: string | null;
}

export interface FillActivity {
  id: string;
  orderId: string;
  symbol: string;
  side: OrderSide;
  /** per execution */
  qty: Decimal;
  price: Decimal;
  cumQty: Decimal;
  leavesQty: Decimal;
  type: 'fill' | 'partial_fill';
  orderStatus: string;
  transactionTime: EpochMs;
}

export interface FillActivityQuery {
  after?: EpochMs;
  until?: EpochMs;
  direction?: 'asc' | 'desc';
  /** 1–100 */
  pageSize?: number;
}
