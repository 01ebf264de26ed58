import { defer, of, throwError, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { PriceTick } from '../../src/domain/market-data.js';
import { withSnapshotFallback } from '../../src/streams/operators/with-snapshot-fallback.js';

const STALE_MS = 2000;
const POLL_MS = 5000;

/** live ticks stamped with the frame they are sent at */
function liveTicks(frames: Record<string, number>): Record<string, PriceTick> {
  const out: Record<string, PriceTick> = {};
  for (const [k, at] of Object.entries(frames)) out[k] = { symbol: 'ABCD', price: 10 + at / 1000, at, source: 'stream' };
  return out;
}
function snap(at: number): PriceTick {
  return { symbol: 'ABCD', price: 50 + at / 1000, at, source: 'snapshot' };
}

describe('withSnapshotFallback (marbles)', () => {
  it('uses the stream, polls every 5 s while it is silent, and stops polling when it resumes', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    let polls = 0;
    scheduler.run(({ cold, expectObservable }) => {
      const live = liveTicks({ a: 0, b: 1000, c: 15000, d: 16000, e: 17000, f: 18000 });
      const live$ = cold<PriceTick>('a 999ms b 13999ms c 999ms d 999ms e 999ms f', live);
      const poll = (): Observable<PriceTick> => defer(() => {
        polls++;
        return of(snap(scheduler.now()));
      });
      const prices$ = withSnapshotFallback({ live$, poll, staleMs: STALE_MS, pollEveryMs: POLL_MS, scheduler });
      // silent from 1000 → stale at 3000 → polls at 3000, 8000, 13000 → live again at 15000
      expectObservable(prices$, '^ 19999ms !').toBe('a 999ms b 1999ms p 4999ms q 4999ms r 1999ms c 999ms d 999ms e 999ms f', {
        ...live,
        p: snap(3000),
        q: snap(8000),
        r: snap(13000),
      });
    });
    expect(polls).toBe(3);
  });

  it('never emits a poll tick older than (or as old as) the last tick it emitted', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const live = liveTicks({ a: 1000 });
      const live$ = cold<PriceTick>('999ms a', live);
      // first poll returns a snapshot from before the last live tick, the second repeats it,
      // the third has a newer trade
      const answers = [snap(500), snap(1000), snap(13000)];
      let n = 0;
      const poll = (): Observable<PriceTick> => defer(() => of(answers[Math.min(n++, answers.length - 1)]!));
      const prices$ = withSnapshotFallback({ live$, poll, staleMs: STALE_MS, pollEveryMs: POLL_MS, scheduler });
      // stale at 3000: polls at 3000 (older, dropped), 8000 (same time, dropped), 13000 (newer)
      expectObservable(prices$, '^ 13999ms !').toBe('999ms a 11999ms r', { ...live, r: snap(13000) });
    });
  });

  it('polls at once when the live stream errors, and skips a failing poll', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const live = liveTicks({ a: 1 });
      const live$ = cold<PriceTick>('-a 999ms #', live);
      let n = 0;
      const poll = (): Observable<PriceTick> =>
        defer(() => (n++ === 1 ? throwError(() => new Error('snapshot 503')) : of(snap(scheduler.now()))));
      const prices$ = withSnapshotFallback({ live$, poll, staleMs: STALE_MS, pollEveryMs: POLL_MS, scheduler });
      // error at 1001 → polls at 1001, 6001 (fails: skipped), 11001
      expectObservable(prices$, '^ 11999ms !').toBe('-a 999ms p 9999ms r', { ...live, p: snap(1001), r: snap(11001) });
    });
  });

  it('polls from the start when the live stream never delivers', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable }) => {
      const live$ = cold<PriceTick>('-');
      const poll = (): Observable<PriceTick> => defer(() => of(snap(scheduler.now())));
      const prices$ = withSnapshotFallback({ live$, poll, staleMs: STALE_MS, pollEveryMs: POLL_MS, scheduler });
      expectObservable(prices$, '^ 7999ms !').toBe('2000ms p 4999ms q', { p: snap(2000), q: snap(7000) });
    });
  });
});
