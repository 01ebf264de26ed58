/**
 * Live prices with a snapshot fallback. Invariants:
 * - live ticks always pass through, and stop any polling at once;
 * - when the live stream has been silent for `staleMs` (or has errored or completed: "down"),
 *   `poll()` runs at once and then every `pollEveryMs` until a live tick arrives;
 * - a poll tick is emitted only if it is newer than every tick emitted so far (never older than the
 *   last live one, and a snapshot repeating the same trade is not re-emitted);
 * - a failing poll is skipped (the next one retries); a slow poll is not overlapped (exhaustMap).
 */
import { catchError, EMPTY, exhaustMap, Observable, timer, type SchedulerLike, type Subscription } from 'rxjs';
import type { PriceTick } from '../../domain/market-data.js';
import { markStale } from './mark-stale.js';

export interface SnapshotFallbackOptions {
  live$: Observable<PriceTick>;
  poll: () => Observable<PriceTick>;
  staleMs: number;
  pollEveryMs: number;
  scheduler: SchedulerLike;
}

export function withSnapshotFallback(opts: SnapshotFallbackOptions): Observable<PriceTick> {
  const { live$, poll, staleMs, pollEveryMs, scheduler } = opts;
  return new Observable<PriceTick>((subscriber) => {
    let newestAt = -Infinity;
    let polling: Subscription | null = null;

    const startPolling = (): void => {
      if (polling !== null) return;
      polling = timer(0, pollEveryMs, scheduler)
        .pipe(exhaustMap(() => poll().pipe(catchError(() => EMPTY))))
        .subscribe((tick) => {
          if (tick.at > newestAt) {
            newestAt = tick.at;
            subscriber.next(tick);
          }
        });
    };
    const stopPolling = (): void => {
      polling?.unsubscribe();
      polling = null;
    };

    const liveSub = live$.pipe(markStale<PriceTick>(staleMs, scheduler)).subscribe({
      next(state) {
        if (state.status === 'stale') return startPolling();
        stopPolling();
        if (state.value.at > newestAt) newestAt = state.value.at;
        subscriber.next(state.value);
      },
      error: startPolling,
      complete: startPolling,
    });
    return () => {
      liveSub.unsubscribe();
      stopPolling();
    };
  });
}
