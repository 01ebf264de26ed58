/**
 * A source → its freshness: every value passes through as `fresh`; after `staleMs` without a value
 * (counted from subscription, then from the last value) ONE `stale` is emitted, until the next value.
 * One pending timer at a time, re-armed lazily when it fires (not per value), so a busy stream
 * costs no timer churn.
 */
import { Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { EpochMs } from '../../domain/time.js';

export type Freshness<T> = { status: 'fresh'; value: T } | { status: 'stale'; at: EpochMs; lastValueAt: EpochMs | null };

export function markStale<T>(staleMs: number, scheduler: SchedulerLike): OperatorFunction<T, Freshness<T>> {
  return (source) =>
    new Observable<Freshness<T>>((subscriber) => {
      const startedAt = scheduler.now();
      let lastAt: EpochMs | null = null;
      let stale = false;
      let timer: Subscription | null = null;

      const check = (): void => {
        timer = null;
        const due = (lastAt ?? startedAt) + staleMs;
        const now = scheduler.now();
        if (now < due) {
          timer = scheduler.schedule(check, due - now);
          return;
        }
        stale = true;
        subscriber.next({ status: 'stale', at: now, lastValueAt: lastAt });
      };

      timer = scheduler.schedule(check, staleMs);
      const sub = source.subscribe({
        next(value) {
          lastAt = scheduler.now();
          if (stale) stale = false;
          if (timer === null) timer = scheduler.schedule(check, staleMs);
          subscriber.next({ status: 'fresh', value });
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        timer?.unsubscribe();
        sub.unsubscribe();
      };
    });
}
