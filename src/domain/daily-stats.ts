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
  breakerLevel: BreakerLevel;
  updatedAt: number;
}
