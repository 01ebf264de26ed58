/**
 * The safety jobs' timing, from the environment ("staleness bound configurable").
 * Invariants:
 *  - every variable is optional; unset = the default below; each problem names the variable, the
 *    accepted range and what was given (these are not secrets);
 *  - whole numbers only, inside ranges that keep the jobs meaningful: a price is not called stale
 *    before two watchdog checks and two 5-second snapshot polls could have refreshed it, and an
 *    escalation needs at least one check;
 *  - the result is plain data; the service converts it to each job's settings.
 */
/** the process environment (config.ts's Env; not imported from there: config.ts imports this file) */
type Env = Readonly<Record<string, string | undefined>>;

export interface SafetySettings {
  /** the position watchdog's period */
  watchdogCheckSec: number;
  /** a price older than this is stale (the watchdog polls a snapshot, then escalates) */
  priceStaleSec: number;
  /** consecutive checks that see the same violation before the bot is paused and the trader told */
  watchdogEscalateAfter: number;
  /** the health job's period (DB trades vs broker positions vs live actors) */
  healthCheckMin: number;
  /** the trade stream down (or catching up) longer than this is notified once */
  streamGapNotifySec: number;
}

export const DEFAULT_SAFETY_SETTINGS: Readonly<SafetySettings> = Object.freeze({
  watchdogCheckSec: 5, priceStaleSec: 30, watchdogEscalateAfter: 3, healthCheckMin: 5, streamGapNotifySec: 60,
});

const VARIABLES: ReadonlyArray<{ name: string; key: keyof SafetySettings; min: number; max: number; unit: string }> = [
  { name: 'KEEL_WATCHDOG_CHECK_SEC', key: 'watchdogCheckSec', min: 1, max: 60, unit: 'seconds' },
  { name: 'KEEL_PRICE_STALE_SEC', key: 'priceStaleSec', min: 10, max: 3_600, unit: 'seconds' },
  { name: 'KEEL_WATCHDOG_ESCALATE_AFTER', key: 'watchdogEscalateAfter', min: 1, max: 100, unit: 'checks' },
  { name: 'KEEL_HEALTH_CHECK_MIN', key: 'healthCheckMin', min: 1, max: 60, unit: 'minutes' },
  { name: 'KEEL_STREAM_GAP_NOTIFY_SEC', key: 'streamGapNotifySec', min: 5, max: 3_600, unit: 'seconds' },
];

export const SAFETY_VARIABLES: readonly string[] = VARIABLES.map((v) => v.name);

export function readSafetySettings(env: Env, problems: string[]): SafetySettings {
  const out: SafetySettings = { ...DEFAULT_SAFETY_SETTINGS };
  for (const v of VARIABLES) {
    const raw = env[v.name]?.trim();
    if (!raw) continue;
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < v.min || n > v.max) {
      problems.push(`${v.name} must be a whole number of ${v.unit} from ${v.min} to ${v.max} (got ${JSON.stringify(raw)})`);
      continue;
    }
    out[v.key] = n;
  }
  if (out.priceStaleSec < 2 * out.watchdogCheckSec) {
    problems.push(`KEEL_PRICE_STALE_SEC (${out.priceStaleSec}) must be at least twice KEEL_WATCHDOG_CHECK_SEC (${out.watchdogCheckSec}): a price must be able to refresh between two checks`);
  }
  return out;
}
