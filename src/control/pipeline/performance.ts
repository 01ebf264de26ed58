/**
 * GET /api/performance[/daily|/today]: the analytics of one mode. The facts come from PostgreSQL
 * (performance.repo.ts), the figures from core/analytics; today's live part from memory only (the
 * account cache and the position supervisor), never from a broker call per request.
 * Defaults: mode = the bot's current mode; to = today (New York); from = 29 days before `to`
 * (30 ET days). A window that holds nothing answers zeros and nulls, not an error.
 */
import { loadDailyFacts, loadPerformanceFacts, countOpenTrades } from '../../adapters/postgres/index.js';
import type { DailyFacts } from '../../core/analytics/analytics.types.js';
import { dailyRow, reportFromFacts } from '../../core/analytics/report.js';
import type { TradingModeName } from '../../domain/bot-config.js';
import { addDays, etDate } from '../../domain/market-time.js';
import { ZERO } from '../../domain/money.js';
import type { DailyPerformanceAnswer, PerformanceAnswer, PerformanceRequest, PerformanceWindow, TodayPerformance } from './pipeline.types.js';
import type { PipelineRuntime } from './pipeline-runtime.js';

export const DEFAULT_WINDOW_DAYS = 30;

async function resolve(rt: PipelineRuntime, w: PerformanceWindow): Promise<{ mode: TradingModeName; from: string; to: string; current: TradingModeName }> {
  const current = (await rt.deps.control.getConfig()).mode;
  const to = w.to ?? etDate(rt.deps.clock.now());
  return { mode: w.mode ?? current, from: w.from ?? addDays(to, -(DEFAULT_WINDOW_DAYS - 1)), to, current };
}

export async function performance(rt: PipelineRuntime, request: PerformanceRequest): Promise<PerformanceAnswer> {
  const { mode, from, to } = await resolve(rt, request);
  const facts = await loadPerformanceFacts(rt.deps.db, { ...request, mode, from, to });
  return { from, to, mode, ...reportFromFacts(facts) };
}

export async function performanceDaily(rt: PipelineRuntime, window: PerformanceWindow): Promise<DailyPerformanceAnswer> {
  const { mode, from, to } = await resolve(rt, window);
  const days = (await loadDailyFacts(rt.deps.db, { mode, from, to })).map(dailyRow);
  return { from, to, mode, days };
}

const NOTHING_YET = (date: string): DailyFacts => ({
  date, startEquity: null, endEquity: null, drawdownFraction: null,
  aggregate: { trades: 0, wins: 0, losses: 0, totalPnl: ZERO, holdMs: 0, holdCount: 0, bestPnl: null, worstPnl: null },
});

export async function performanceToday(rt: PipelineRuntime, window: Pick<PerformanceWindow, 'mode'>): Promise<TodayPerformance> {
  const today = etDate(rt.deps.clock.now());
  const { mode, current } = await resolve(rt, { ...window, from: today, to: today });
  const [facts] = await loadDailyFacts(rt.deps.db, { mode, from: today, to: today });
  const row = dailyRow(facts ?? NOTHING_YET(today));
  if (mode !== current) return { ...row, mode, unrealizedPnl: null, openPositions: null, equity: null };
  const supervisor = rt.deps.supervisor;
  const openPositions = await countOpenTrades(rt.deps.db, mode);
  return {
    ...row, mode,
    // while nothing watches positions their value is unknown, unless there is none: then it is 0
    unrealizedPnl: supervisor.active ? supervisor.unrealizedPnl() : openPositions === 0 ? ZERO : null,
    openPositions,
    equity: rt.account.peekFresh()?.equity ?? null,
  };
}
