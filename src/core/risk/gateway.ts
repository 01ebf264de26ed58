/**
 * The entry gateway: an ordered list of small pure checks (STYLE.md practice 3).
 * Invariants: every check runs and leaves a verdict (the what-if view and a trade's provenance show
 * all of them, not just the first failure); the denial is the FIRST failing check in ENTRY_CHECKS
 * order; the order goes from bot-wide state to market to account to the signal itself, so the
 * reason a trader sees is the most general one.
 */
import type { CheckVerdict, Denial } from '../../domain/denial.js';
import type { EntryCheck, EntryContext } from './check.types.js';
import { botRunningCheck } from './checks/bot-running.check.js';
import { buyingPowerCheck } from './checks/buying-power.check.js';
import { catalystTierEnabledCheck } from './checks/catalyst-tier-enabled.check.js';
import { duplicateSymbolCheck } from './checks/duplicate-symbol.check.js';
import { marketOpenCheck } from './checks/market-open.check.js';
import { maxConcurrentPositionsCheck } from './checks/max-concurrent-positions.check.js';
import { perTradeCapCheck } from './checks/per-trade-cap.check.js';
import { pillarFloatCheck } from './checks/pillar-float.check.js';
import { pillarRelativeVolumeCheck } from './checks/pillar-relative-volume.check.js';
import { pillarSharePriceCheck } from './checks/pillar-share-price.check.js';
import { reconciledCheck } from './checks/reconciled.check.js';

export const ENTRY_CHECKS: readonly EntryCheck[] = Object.freeze([
  botRunningCheck,
  reconciledCheck,
  marketOpenCheck,
  duplicateSymbolCheck,
  maxConcurrentPositionsCheck,
  perTradeCapCheck,
  buyingPowerCheck,
  catalystTierEnabledCheck,
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
