/**
 * All exit rules in one precedence. Invariants: at most one decision per call; precedence is
 * hard stop → trailing stop → profit target → session close → max hold. Why this order: the
 * protective price exits name the real reason a losing or fading position left (a stop that is hit
 * at 15:45 is still a stop); the target before the clock exits; the session close before max hold
 * because it is the firmer, market-wide deadline.
 */
import type { EpochMs } from '../../domain/time.js';
import type { ExitDecision, ExitRule, ExitSettings, PositionView } from './exit.types.js';
import { hardStopRule } from './hard-stop.rule.js';
import { maxHoldRule } from './max-hold.rule.js';
import { profitTargetRule } from './profit-target.rule.js';
import { sessionCloseRule } from './session-close.rule.js';
import { trailingStopRule } from './trailing-stop.rule.js';

export const EXIT_RULES: readonly ExitRule[] = Object.freeze([
  hardStopRule,
  trailingStopRule,
  profitTargetRule,
  sessionCloseRule,
  maxHoldRule,
]);

export function evaluateExits(view: PositionView, price: number, now: EpochMs, settings: ExitSettings): ExitDecision | null {
  for (let i = 0; i < EXIT_RULES.length; i++) {
    const decision = EXIT_RULES[i]!(view, price, now, settings);
    if (decision !== null) return decision;
  }
  return null;
}
