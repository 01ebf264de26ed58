/**
 * The inputs and outputs of the performance metrics (core/analytics). The same functions serve the
 * live API (fed from PostgreSQL) and, later, backtest reports (fed from a simulation), so they take
 * plain closed trades and equity points, never rows or ports.
 * Units: money is Decimal (a decimal string in JSON); win rates and other ratios are plain numbers
 * rounded to 4 decimals; *Pct fields are percent (×100, as the circuit breakers report drawdown);
 * null wherever a figure is undefined (no trade, no losing trade, fewer than 2 daily returns, ...).
 */
import type { Decimal } from '../../domain/money.js';
import type { TradingModeName } from '../../domain/bot-config.js';
import type { EpochMs } from '../../domain/time.js';

/** a closed trade as the metrics see it (only closed trades with a P&L count) */
export interface ClosedTrade {
  id: string;
  symbol: string;
  mode: TradingModeName;
  pnl: Decimal;
  /** null when the journal never learned the entry fill time (hold time then unknown) */
  entryAt: EpochMs | null;
  exitAt: EpochMs;
  strategy: string | null;
  catalystType: string | null;
  catalystTier: number | null;
  stars: number | null;
  exitReason: string | null;
}

/** one mark-to-market row of the account (equity_snapshot) */
export interface EquityPoint {
  mode: TradingModeName;
  t: EpochMs;
  kind: 'minute' | 'close';
  /** the New York trading date it belongs to, YYYY-MM-DD */
  sessionDate: string;
  equity: Decimal;
  /** realized P&L of that trading day so far */
  realizedPnl: Decimal;
}

/** what to measure: one mode, ET dates inclusive (a trade counts on the ET date of its exit) */
export interface PerformanceQuery {
  mode: TradingModeName;
  from: string;
  to: string;
  /** trade filters: they narrow the trade statistics; equity figures are the whole account's */
  strategy?: string;
  catalystType?: string;
  symbol?: string;
}

export interface TradeRef {
  id: string;
  symbol: string;
  pnl: Decimal;
  /** tie-break of equal P&Ls (the earlier exit, then the smaller id, is kept) */
  exitAt: EpochMs;
}

/**
 * Trade aggregates: a monoid (emptyAggregate is its identity, combineAggregates is associative),
 * so per-day, per-group and whole-range figures fold the same way, in JS or in SQL.
 * Hold times are summed in ms (exact integers) over the trades whose entry time is known.
 */
export interface TradeAggregate {
  trades: number;
  wins: number;
  losses: number;
  breakeven: number;
  totalPnl: Decimal;
  grossProfit: Decimal;
  /** positive: the sum of the losing trades' |pnl| */
  grossLoss: Decimal;
  holdMs: number;
  holdCount: number;
  winHoldMs: number;
  winHoldCount: number;
  lossHoldMs: number;
  lossHoldCount: number;
  best: TradeRef | null;
  worst: TradeRef | null;
}

export interface Streaks {
  maxConsecutiveWins: number;
  maxConsecutiveLosses: number;
}

export interface Drawdown {
  /** largest peak-to-trough fall in dollars (0 when the curve never fell) */
  usd: Decimal;
  /** largest peak-to-trough fall as a fraction of its peak (0..1) */
  fraction: Decimal;
}

/** a day's closing equity: its 'close' row, else its last minute row */
export interface DailyClose {
  date: string;
  equity: Decimal;
}

/**
 * Everything the range report is computed from. Both the pure path (facts-from-rows.ts) and the
 * SQL path (performance.repo.ts) produce these; report.ts turns them into the answer, so the
 * two paths can only differ in the facts, which the parity test compares.
 */
export interface PerformanceFacts {
  total: TradeAggregate;
  streaks: Streaks;
  /** null without any equity point in the range */
  drawdown: Drawdown | null;
  firstEquity: Decimal | null;
  lastEquity: Decimal | null;
  dailyCloses: DailyClose[];
  curve: CurvePoint[];
  groups: Record<BreakdownDimension, Array<{ key: BreakdownKey; aggregate: GroupAggregate }>>;
}

/** what a breakdown row needs of a group's aggregate */
export type GroupAggregate = Pick<TradeAggregate, 'trades' | 'wins' | 'losses' | 'totalPnl' | 'grossProfit' | 'grossLoss'>;

/** what a daily row needs of a day's aggregate */
export type DayAggregate = Pick<TradeAggregate, 'trades' | 'wins' | 'losses' | 'totalPnl' | 'holdMs' | 'holdCount'> & {
  bestPnl: Decimal | null;
  worstPnl: Decimal | null;
};

export interface CurvePoint {
  t: EpochMs;
  equity: Decimal;
  realizedPnl: Decimal;
}

export const BREAKDOWN_DIMENSIONS = ['strategy', 'catalystType', 'catalystTier', 'stars', 'exitReason', 'symbol', 'entryHourEt', 'weekday'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];
/** a group's key: text, a number (tier, stars, ET hour) or null (not recorded); weekday is 'Monday' … */
export type BreakdownKey = string | number | null;

export interface BreakdownRow {
  key: BreakdownKey;
  trades: number;
  wins: number;
  winRate: number | null;
  totalPnl: Decimal;
  avgPnl: Decimal | null;
  profitFactor: number | null;
}

export interface PerformanceSummary {
  trades: number;
  wins: number;
  losses: number;
  breakeven: number;
  winRate: number | null;
  totalPnl: Decimal;
  grossProfit: Decimal;
  grossLoss: Decimal;
  profitFactor: number | null;
  expectancy: Decimal | null;
  avgWin: Decimal | null;
  avgLoss: Decimal | null;
  payoffRatio: number | null;
  bestTrade: { id: string; symbol: string; pnl: Decimal } | null;
  worstTrade: { id: string; symbol: string; pnl: Decimal } | null;
  avgHoldSeconds: number | null;
  avgHoldSecondsWinners: number | null;
  avgHoldSecondsLosers: number | null;
  maxConsecutiveWins: number;
  maxConsecutiveLosses: number;
  maxDrawdownUsd: Decimal | null;
  maxDrawdownPct: number | null;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  returnPct: number | null;
}

export interface PerformanceReport {
  summary: PerformanceSummary;
  equityCurve: CurvePoint[];
  breakdowns: Record<BreakdownDimension, BreakdownRow[]>;
}

/** one ET trading day: facts the two paths produce alike */
export interface DailyFacts {
  date: string;
  aggregate: DayAggregate;
  /** the day's first snapshot and its closing equity (null without a snapshot that day) */
  startEquity: Decimal | null;
  endEquity: Decimal | null;
  /** the day's own peak-to-trough fall as a fraction of its peak; null without a snapshot */
  drawdownFraction: Decimal | null;
}

export interface DailyRow {
  date: string;
  trades: number;
  wins: number;
  losses: number;
  winRate: number | null;
  realizedPnl: Decimal;
  bestTradePnl: Decimal | null;
  worstTradePnl: Decimal | null;
  avgHoldSeconds: number | null;
  startEquity: Decimal | null;
  endEquity: Decimal | null;
  returnPct: number | null;
  maxDrawdownPct: number | null;
}
