import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { markStale } from '../../src/streams/operators/mark-stale.js';

function runMarbles(source: string, staleMs: number, until: string, expected: string): void {
  const scheduler = new TestScheduler((actual, exp) => expect(actual).toEqual(exp));
  scheduler.run(({ cold, expectObservable }) => {
    const status$ = cold(source).pipe(
      markStale<string>(staleMs, scheduler),
      map((s) => (s.status === 'fresh' ? s.value : 'S')),
    );
    expectObservable(status$, until).toBe(expected);
  });
}

describe('markStale (marbles)', () => {
  it('passes values as fresh and marks the stream stale after staleMs of silence', () => {
    // a@0 b@50 → stale @150 → c@251 → stale @351
    runMarbles('a 49ms b 200ms c', 100, '^ 399ms !', 'a 49ms b 99ms S 100ms c 99ms S');
  });

  it('marks a stream that never emits stale staleMs after subscription', () => {
    runMarbles('150ms a', 100, '^ 199ms !', '100ms S 49ms a');
  });

  it('emits stale once per silence, not once per staleMs', () => {
    runMarbles('a', 100, '^ 999ms !', 'a 99ms S');
  });

  it('stays fresh while values keep coming within staleMs', () => {
    runMarbles('a 98ms b 98ms c 98ms d', 100, '^ 399ms !', 'a 98ms b 98ms c 98ms d 99ms S');
  });

  it('completes and errors with its source', () => {
    runMarbles('a 10ms |', 100, '^ 399ms !', 'a 10ms |');
    runMarbles('a 10ms #', 100, '^ 399ms !', 'a 10ms #');
  });
});
