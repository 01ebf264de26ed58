/**
 * node-cron, wrapped once for every wall-clock job Keel runs (the session close, the daily reset,
 * the queued flatten at the open).
 * Invariants:
 *  - every expression is read in America/New_York: the exchange's time, daylight saving included;
 *  - no overlapping runs: a tick that comes while the previous run has not settled is skipped
 *    (and warned), never queued behind it;
 *  - a run that throws or rejects is warned through onError, never thrown into the timer;
 *  - stop() destroys the task; a tick that arrives afterwards runs nothing.
 * Here in src/lib (it imports nothing from the rest of src) so actors, control and service share it
 * without importing an adapter. The engine is injectable so tests can tick it by hand.
 */
import nodeCron from 'node-cron';

export const NY_TIME_ZONE = 'America/New_York';

/** the part of node-cron used here (tests pass a fake) */
export interface CronEngine {
  schedule(expression: string, tick: () => void, options: { timezone: string; name: string }): { destroy(): void | Promise<void> };
}

export interface NyCronSpec {
  /** names the job in warnings (and in node-cron's registry) */
  name: string;
  /** five-field cron expression in New York time, e.g. '45 15 * * 1-5' */
  expression: string;
  run(): void | Promise<unknown>;
  onError(message: string, error: unknown): void;
}

export interface NyCronJob {
  /** true while a run has not settled */
  readonly busy: boolean;
  stop(): Promise<void>;
}

/** starts `spec.run` on its schedule at once; an invalid expression throws here (a programming error) */
export function scheduleNyCron(spec: NyCronSpec, engine: CronEngine = nodeCron): NyCronJob {
  let busy = false;
  let stopped = false;
  const tick = (): void => {
    if (stopped) return;
    if (busy) {
      spec.onError(`${spec.name}: the previous run is still going; this one is skipped`, null);
      return;
    }
    busy = true;
    const settle = (): void => { busy = false; };
    const fail = (error: unknown): void => { settle(); spec.onError(`${spec.name} failed`, error); };
    try {
      Promise.resolve(spec.run()).then(settle, fail);
    } catch (error) {
      fail(error);
    }
  };
  const task = engine.schedule(spec.expression, tick, { timezone: NY_TIME_ZONE, name: spec.name });
  return {
    get busy() { return busy; },
    async stop() {
      if (stopped) return;
      stopped = true;
      await task.destroy();
    },
  };
}
