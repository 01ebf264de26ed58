/**
 * The levels an open position is armed with, in prices and instants a trader reads (GET
 * /api/trades/active): computed by the same thresholds.ts formulas the symbol book precomputes,
 * from the settings the book holds for the position and its peak, so what is shown is what fires.
 */
import type { EpochMs } from '../../domain/time.js';
import type { ExitSettings, PositionView } from './exit.types.js';
import { holdDeadline, stopLevelOf, targetLevelOf, trailFactor } from './thresholds.js';

export interface ArmedLevels {
  peakPrice: number;
  stopPrice: number;
  targetPrice: number;
  /** the target is a bracket's take-profit leg at the broker (Keel's own monitor does not sell there) */
  targetAtBroker: boolean;
  /** null = the trailing stop is off */
  trailingStopPrice: number | null;
  /** entry time + max hold */
  maxHoldUntil: EpochMs;
  /** today's forced session close; null = none armed */
  forceCloseAt: EpochMs | null;
}

export function armedLevels(view: PositionView, settings: ExitSettings): ArmedLevels {
  const trail = trailFactor(settings.trailingStopPct);
  return {
    peakPrice: view.peakPrice,
    stopPrice: stopLevelOf(view.entryPrice, settings),
    targetPrice: targetLevelOf(view.entryPrice, settings),
    targetAtBroker: settings.targetAtBroker === true,
    trailingStopPrice: settings.trailingStopPct === null ? null : view.peakPrice * trail,
    maxHoldUntil: holdDeadline(view.entryAt, settings.maxHoldDurationSec),
    forceCloseAt: settings.forceCloseAt,
  };
}
