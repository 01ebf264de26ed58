/**
 * Circuit-breaker levels from the session's drawdown.
 * Invariants:
 *  - a threshold is inclusive: a drawdown of exactly circuitBreakerWarnPct is 'warn', and so on;
 *  - the highest threshold reached wins (a jump straight past halt is 'halt', not 'warn');
 *  - an unknown drawdown (null) is 'none': no anchor, no breaker (the gateway's own checks cover
 *    unknown equity);
 *  - within a trading day a level only goes up (escalate); the database keeps the same rule.
 */
import { BREAKER_LEVELS, type BotSettings, type BreakerLevel } from '../../domain/bot-config.js';
import type { Decimal } from '../../domain/money.js';

export type BreakerThresholds = Pick<BotSettings, 'circuitBreakerWarnPct' | 'circuitBreakerPausePct' | 'circuitBreakerHaltPct'>;

/** 0 none, 1 warn, 2 pause, 3 halt */
export function levelRank(level: BreakerLevel): number {
  return BREAKER_LEVELS.indexOf(level);
}

export function levelFor(drawdownPct: Decimal | null, settings: BreakerThresholds): BreakerLevel {
  if (drawdownPct === null || !drawdownPct.isFinite()) return 'none';
  if (drawdownPct.gte(settings.circuitBreakerHaltPct)) return 'halt';
  if (drawdownPct.gte(settings.circuitBreakerPausePct)) return 'pause';
  if (drawdownPct.gte(settings.circuitBreakerWarnPct)) return 'warn';
  return 'none';
}

/** the higher of the two: a recovered drawdown never lowers the day's level */
export function escalate(prev: BreakerLevel, next: BreakerLevel): BreakerLevel {
  return levelRank(next) > levelRank(prev) ? next : prev;
}
