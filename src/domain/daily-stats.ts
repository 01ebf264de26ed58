/** One row per America/New_York trading date (bot_daily_stats). */
import type { Decimal } from './money.js';
import type { BreakerLevel } from './bot-config.js';

export interface DailyStats {
  /** YYYY-MM-DD, America/New_York */
  date: string;
  realizedPnl: Decimal;
  tradeCount: number;
  roundTripCount: number;
  sessionStartEquity: Decimal | null;
  /** only ever goes up within the day (the database keeps it escalate-only) */
  breakerLevel: BreakerLevel;
  /** the daily loss limit tripped today; never cleared within the day */
  dailyLossTripped: boolean;
  /** the worst drawdown seen today, in percent; null until one was computed */
  maxDrawdownPct: Decimal | null;
  /** the equity of the latest observation */
  lastEquity: Decimal | null;
  updatedAt: number;
}
