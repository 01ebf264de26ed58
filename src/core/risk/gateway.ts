/**
 * The entry gateway: an ordered list of small pure checks (docs/design.md §3).
 * Invariants: every check runs and leaves a verdict (the what-if view and a trade's provenance show
 * all of them, not just the first failure); the denial is the FIRST failing check in ENTRY_CHECKS
 * order; the order goes from bot-wide state to market to account to the signal itself, so the
 * reason a trader sees is the most general one.
 */
import type { CheckVerdict, Denial } from '../../domain/denial.js';
import type { EntryCheck, EntryContext } from './check.types.js';
import { accountBlockedCheck } from './checks/account-blocked.check.js';
import { botRunningCheck } from './checks/bot-running.check.js';
import { buyingPowerCheck } from './checks/buying-power.check.js';
import { catalystTierEnabledCheck } from './checks/catalyst-tier-enabled.check.js';
import { circuitBreakerCheck } from './checks/circuit-breaker.check.js';
import { dailyLossCheck } from './checks/daily-loss.check.js';
import { duplicateSymbolCheck } from './checks/duplicate-symbol.check.js';
import { intradayMarginCheck } from './checks/intraday-margin.check.js';
import { marketOpenCheck } from './checks/market-open.check.js';
import { maxConcurrentPositionsCheck } from './checks/max-concurrent-positions.check.js';
import { maxTradesPerDayCheck } from './checks/max-trades-per-day.check.js';
import { minConfidenceCheck } from './checks/min-confidence.check.js';
import { perTradeCapCheck } from './checks/per-trade-cap.check.js';
import { pillarFloatCheck } from './checks/pillar-float.check.js';
import { pillarRelativeVolumeCheck } from './checks/pillar-relative-volume.check.js';
import { pillarSharePriceCheck } from './checks/pillar-share-price.check.js';
import { positionAllocationCheck } from './checks/position-allocation.check.js';
import { reconciledCheck } from './checks/reconciled.check.js';
import { roundTripCapCheck } from './checks/round-trip-cap.check.js';
import { sessionClosingCheck } from './checks/session-closing.check.js';
import { signalLevelsCheck } from './checks/signal-levels.check.js';
import { strategyEnabledCheck } from './checks/strategy-enabled.check.js';
import { streamReconcilingCheck } from './checks/stream-reconciling.check.js';
import { totalInvestedCheck } from './checks/total-invested.check.js';
import { washTradeCheck } from './checks/wash-trade.check.js';
import { winRateCheck } from './checks/win-rate.check.js';

/**
 * The complete gateway: bot-wide state (running, breaker, win rate, reconciled, trade
 * stream) → market (open, not closing) → the account (blocked, then buying power: a missing snapshot reads as
 * BUYING_POWER_UNKNOWN, the plainest reason) → Keel's own exposure and today's counters → money
 * against the account (caps, allocation, margin) → what the broker would refuse (wash trade) →
 * the signal itself (its own levels, tier, strategy, confidence, pillars).
 */
export const ENTRY_CHECKS: readonly EntryCheck[] = Object.freeze([
  botRunningCheck,
  circuitBreakerCheck,
  winRateCheck,
  reconciledCheck,
  streamReconcilingCheck,
  marketOpenCheck,
  sessionClosingCheck,
  accountBlockedCheck,
  buyingPowerCheck,
  duplicateSymbolCheck,
  maxConcurrentPositionsCheck,
  maxTradesPerDayCheck,
  roundTripCapCheck,
  dailyLossCheck,
  perTradeCapCheck,
  positionAllocationCheck,
  totalInvestedCheck,
  intradayMarginCheck,
  washTradeCheck,
  signalLevelsCheck,
  catalystTierEnabledCheck,
  strategyEnabledCheck,
  minConfidenceCheck,
  pillarSharePriceCheck,
  pillarFloatCheck,
  pillarRelativeVolumeCheck,
]);

export interface GatewayResult {
  verdicts: CheckVerdict[];
  denial: Denial | null;
}

export function runEntryChecks(ctx: EntryContext, checks: readonly EntryCheck[] = ENTRY_CHECKS): GatewayResult {
  const verdicts: CheckVerdict[] = [];
  let denial: Denial | null = null;
  for (const entry of checks) {
    const result = entry.check(ctx);
    verdicts.push({ check: entry.name, passed: result === null, denial: result });
    if (result !== null && denial === null) denial = result;
  }
  return { verdicts, denial };
}
