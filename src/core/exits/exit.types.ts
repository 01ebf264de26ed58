/**
 * CONTRACT: exit rules are pure functions of (position view, price, time) → a decision or null
 * (docs/design.md §4). Hot path: prices are numbers; nothing here touches money sums.
 */
import type { ExitReason } from '../../domain/trade.js';
import type { EpochMs } from '../../domain/time.js';

export interface PositionView {
  tradeId: string;
  symbol: string;
  entryPrice: number;
  entryAt: EpochMs;
  /** highest price seen since entry (trailing stop); persisted across restarts */
  peakPrice: number;
  /** the position's own rule settings (its exit plan: the signal's levels, a catalyst's override); absent = the book's */
  overrides?: Partial<ExitSettings>;
}

export interface ExitSettings {
  hardStopLossPct: number;
  profitTargetPct: number;
  /** null = off */
  trailingStopPct: number | null;
  maxHoldDurationSec: number;
  /** epoch ms of today's forced close (15:45 ET, or close − 15 min on early-close days); null = none */
  forceCloseAt: EpochMs | null;
  /** an absolute hard stop (the signal's own stopLossPrice), in place of hardStopLossPct; absent/null = the percentage */
  stopPrice?: number | null;
  /** an absolute profit target (the signal's own takeProfitPrice), in place of profitTargetPct; absent/null = the percentage */
  targetPrice?: number | null;
  /** a bracket's take-profit leg rests at the broker at the target: Keel's own target does not fire
   *  (the limit sells there or better); absent/false = Keel's monitor sells at the target */
  targetAtBroker?: boolean;
}

export interface ExitDecision {
  tradeId: string;
  symbol: string;
  reason: ExitReason;
  /** the price that triggered it */
  price: number;
  at: EpochMs;
  /** e.g. "price 92.90 ≤ stop 93.00 (7% below entry 100.00)" */
  detail: string;
}

export type ExitRule = (view: PositionView, price: number, now: EpochMs, settings: ExitSettings) => ExitDecision | null;
