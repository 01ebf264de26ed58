/**
 * Retries reconciliation until it succeeds, with exponential backoff and full jitter on the
 * injected Clock (tests: ManualClock, nothing sleeps for real). Stops — rejecting with the
 * signal's reason — when aborted (shutdown, a stop during a restore), or resolves null when
 * `done()` says someone else already reconciled.
 */
import type { ReconciliationReport } from '../../domain/reconciliation.js';
import type { Clock, Random } from '../../ports/clock.port.js';
import type { ReconcileOutcome } from './reconciliation.service.js';

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
}

export function retryDelay(attempt: number, policy: RetryPolicy, random: Random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt));
  // never 0: a zero delay would spin against a broker that is down
  return Math.max(1, Math.round(ceiling * Math.min(1, Math.max(0, random()))));
}

export interface RetryDeps {
  clock: Clock;
  random: Random;
  policy: RetryPolicy;
  run: () => Promise<ReconcileOutcome>;
  /** told about each failure just before the wait starts */
  onRetry?: (report: ReconciliationReport, delayMs: number) => void;
  done?: () => boolean;
}

export async function reconcileUntilSuccess(deps: RetryDeps, signal: AbortSignal): Promise<ReconciliationReport | null> {
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) throw signal.reason;
    if (deps.done?.()) return null;
    const { report } = await deps.run();
    if (report.ok) return report;
    const delay = retryDelay(attempt, deps.policy, deps.random);
    deps.onRetry?.(report, delay);
    await deps.clock.sleep(delay, signal);
  }
}
