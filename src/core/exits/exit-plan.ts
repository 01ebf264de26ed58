/**
 * Resolving a signal's exit levels (domain/exit-plan.ts), pure: per level the signal's own price,
 * else the catalyst type's override, else the global settings; and the per-position rule settings
 * the symbol book arms a trade with from its frozen plan.
 * Invariants: a signal's stop is used only below its target (the gateway's signal-levels check
 * refuses the signal otherwise, so a plan never holds a stop at or above its target); an override
 * key absent from the catalyst's entry leaves that level to the settings.
 */
import type { ExitOverrides, ExitPlan } from '../../domain/exit-plan.js';
import type { SignalInput } from '../../domain/signal.js';
import type { ExitSettings } from './exit.types.js';

export function planExits(signal: Pick<SignalInput, 'catalystType' | 'stopLossPrice' | 'takeProfitPrice'>, overrides: ExitOverrides): ExitPlan {
  const key = signal.catalystType;
  const override = Object.prototype.hasOwnProperty.call(overrides, key) ? { ...overrides[key]! } : {};
  const stopPrice = signal.stopLossPrice?.toFixed() ?? null;
  const targetPrice = signal.takeProfitPrice?.toFixed() ?? null;
  // what the signal sets itself, the override cannot change: keep only the override's other levels
  if (stopPrice !== null) delete override.hardStopLossPct;
  if (targetPrice !== null) delete override.profitTargetPct;
  const from = (signalSets: boolean, overrideSets: boolean) => (signalSets ? 'signal' as const : overrideSets ? 'catalyst' as const : 'settings' as const);
  return {
    catalystType: Object.keys(override).length > 0 ? key : null,
    stopPrice, targetPrice, override,
    sources: {
      stop: from(stopPrice !== null, override.hardStopLossPct !== undefined),
      target: from(targetPrice !== null, override.profitTargetPct !== undefined),
      trailingStop: from(false, override.trailingStopPct !== undefined),
      maxHold: from(false, override.maxHoldSec !== undefined),
    },
  };
}

/** the rule settings a trade's own plan sets (the rest are the book's, from the live settings) */
/** a position's own settings: its plan's and, while a bracket's take-profit leg rests at the broker,
 *  Keel's own target left to that leg */
export function positionOverrides(plan: ExitPlan | null, targetAtBroker: boolean): Partial<ExitSettings> | undefined {
  const own = planSettings(plan);
  return targetAtBroker ? { ...own, targetAtBroker: true } : own;
}

export function planSettings(plan: ExitPlan | null): Partial<ExitSettings> | undefined {
  if (!plan) return undefined;
  const o = plan.override;
  const out: Partial<ExitSettings> = {};
  if (plan.stopPrice !== null) out.stopPrice = Number(plan.stopPrice);
  if (plan.targetPrice !== null) out.targetPrice = Number(plan.targetPrice);
  if (o.hardStopLossPct !== undefined) out.hardStopLossPct = o.hardStopLossPct;
  if (o.profitTargetPct !== undefined) out.profitTargetPct = o.profitTargetPct;
  if (o.trailingStopPct !== undefined) out.trailingStopPct = o.trailingStopPct;
  if (o.maxHoldSec !== undefined) out.maxHoldDurationSec = o.maxHoldSec;
  return Object.keys(out).length > 0 ? out : undefined;
}
