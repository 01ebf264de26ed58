/**
 * A mark-to-market row of the account in one trading mode: 'minute' rows while the market is open
 * and the bot is running or paused, and the day's 'close' row after the session close (at most one
 * per mode and session date). Money is Decimal; `at` is the injected clock's epoch ms.
 */
import type { TradingModeName } from './bot-config.js';
import type { Decimal } from './money.js';
import type { EpochMs } from './time.js';

export const SNAPSHOT_KINDS = ['minute', 'close'] as const;
export type SnapshotKind = (typeof SNAPSHOT_KINDS)[number];

export interface EquitySnapshot {
  mode: TradingModeName;
  at: EpochMs;
  kind: SnapshotKind;
  /** the New York trading date the row belongs to (YYYY-MM-DD) */
  sessionDate: string;
  equity: Decimal;
  cash: Decimal;
  longMarketValue: Decimal;
  /** of Keel's open positions, at their last prices */
  unrealizedPnl: Decimal;
  realizedPnlToday: Decimal;
  openPositions: number;
}
