/**
 * The analytics' answers (GET /api/performance, /daily, /today) as zod schemas, in the wire form
 * of wire.schemas.ts; the guards at the end tie each to the control's answer type.
 */
import { z } from 'zod';
import type { DailyPerformanceAnswer, PerformanceAnswer, TodayPerformance } from '../../control/pipeline/pipeline.types.js';
import { TRADING_MODES } from '../../domain/bot-config.js';
import { decimalString, epochMs, nullable, type Covers } from './wire.schemas.js';

const ratio = (description: string) => nullable(z.number()).meta({ description: `${description}; 4 decimals, null where undefined` });
const tradeRefSchema = z.strictObject({ id: z.string(), symbol: z.string(), pnl: decimalString });

export const performanceSummarySchema = z.strictObject({
  trades: z.number().int().meta({ description: 'closed trades in the window (counted on the New York date of their exit)' }),
  wins: z.number().int().meta({ description: 'pnl > 0' }),
  losses: z.number().int().meta({ description: 'pnl < 0' }),
  breakeven: z.number().int().meta({ description: 'pnl = 0 (neither a win nor a loss)' }),
  winRate: ratio('wins ÷ trades'),
  totalPnl: decimalString,
  grossProfit: decimalString,
  grossLoss: decimalString.meta({ description: 'the losses summed, as a positive number' }),
  profitFactor: ratio('grossProfit ÷ grossLoss (null with no losing trade)'),
  expectancy: nullable(decimalString).meta({ description: 'totalPnl ÷ trades' }),
  avgWin: nullable(decimalString),
  avgLoss: nullable(decimalString).meta({ description: 'negative' }),
  payoffRatio: ratio('avgWin ÷ |avgLoss|'),
  bestTrade: nullable(tradeRefSchema),
  worstTrade: nullable(tradeRefSchema),
  avgHoldSeconds: nullable(z.number()),
  avgHoldSecondsWinners: nullable(z.number()),
  avgHoldSecondsLosers: nullable(z.number()),
  maxConsecutiveWins: z.number().int(),
  maxConsecutiveLosses: z.number().int(),
  maxDrawdownUsd: nullable(decimalString).meta({ description: 'peak-to-trough of the equity curve' }),
  maxDrawdownPct: ratio('peak-to-trough of the equity curve, percent of the peak'),
  sharpe: ratio('mean ÷ sample standard deviation of daily closing-equity returns × √252; null with fewer than 2 days'),
  sortino: ratio('mean ÷ downside deviation (√(Σ min(r,0)² ÷ N) over all days) × √252'),
  calmar: ratio('annualised return ÷ |max drawdown|'),
  returnPct: ratio('first to last equity of the window, percent'),
});

const breakdownRowSchema = z.strictObject({
  key: z.union([z.string(), z.number(), z.null()]).meta({ description: 'the group: text, a number (tier, stars, New York hour) or null (not recorded)' }),
  trades: z.number().int(), wins: z.number().int(), winRate: ratio('wins ÷ trades'), totalPnl: decimalString,
  avgPnl: nullable(decimalString), profitFactor: ratio('grossProfit ÷ grossLoss'),
});

export const performanceSchema = z.strictObject({
  from: z.string().meta({ description: 'New York date, inclusive' }),
  to: z.string(),
  mode: z.enum(TRADING_MODES),
  summary: performanceSummarySchema,
  equityCurve: z.array(z.strictObject({ t: epochMs, equity: decimalString, realizedPnl: decimalString.meta({ description: "that day's realized P&L at the snapshot" }) }))
    .meta({ description: 'at most 1,000 points, downsampled keeping every bucket’s extremes' }),
  breakdowns: z.strictObject(Object.fromEntries(
    ['strategy', 'catalystType', 'catalystTier', 'stars', 'exitReason', 'symbol', 'entryHourEt', 'weekday'].map((k) => [k, z.array(breakdownRowSchema)]),
  )).meta({ description: 'each sorted by totalPnl, highest first' }),
});

const dailyRowShape = {
  date: z.string().meta({ description: 'New York trading date' }),
  trades: z.number().int(), wins: z.number().int(), losses: z.number().int(), winRate: ratio('wins ÷ trades'),
  realizedPnl: decimalString, bestTradePnl: nullable(decimalString), worstTradePnl: nullable(decimalString),
  avgHoldSeconds: nullable(z.number()), startEquity: nullable(decimalString), endEquity: nullable(decimalString),
  returnPct: ratio('start to end equity, percent'), maxDrawdownPct: ratio("the day's own peak-to-trough, percent"),
};
export const dailyRowSchema = z.strictObject(dailyRowShape);

export const dailyPerformanceSchema = z.strictObject({ from: z.string(), to: z.string(), mode: z.enum(TRADING_MODES), days: z.array(dailyRowSchema) });

export const todayPerformanceSchema = z.strictObject({
  ...dailyRowShape,
  mode: z.enum(TRADING_MODES),
  unrealizedPnl: nullable(decimalString).meta({ description: "Keel's open positions at their last prices (null for the other mode or while nothing watches them)" }),
  openPositions: nullable(z.number().int()),
  equity: nullable(decimalString).meta({ description: 'the cached account equity when fresh (never a broker call per request)' }),
});

const _guards: [
  Covers<typeof performanceSchema, PerformanceAnswer>, Covers<typeof dailyPerformanceSchema, DailyPerformanceAnswer>, Covers<typeof todayPerformanceSchema, TodayPerformance>,
] = [true, true, true];
void _guards;
