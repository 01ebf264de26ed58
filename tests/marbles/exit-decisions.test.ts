import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { ExitSettings } from '../../src/core/exits/exit.types.js';
import { SymbolBook } from '../../src/core/exits/symbol-book.js';
import type { PriceTick } from '../../src/domain/market-data.js';
import { exitDecisions } from '../../src/streams/operators/exit-decisions.js';
import { aPosition, exitSettings } from '../unit/core-builders.js';

function ticks(prices: Record<string, number>): Record<string, PriceTick> {
  const out: Record<string, PriceTick> = {};
  for (const [k, price] of Object.entries(prices)) out[k] = { symbol: 'ABCD', price, at: 0, source: 'stream' };
  return out;
}

/** runs a price path through exitDecisions; decisions are shown as "tradeId:reason@price" */
function expectPath(opts: {
  settings: Partial<ExitSettings>;
  positions?: Array<{ tradeId: string; entryPrice: number; peakPrice?: number }>;
  path: string;
  prices: Record<string, number>;
  expected: string;
  decisions: Record<string, string>;
}): void {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  const book = new SymbolBook('ABCD', exitSettings(opts.settings));
  for (const p of opts.positions ?? [{ tradeId: 't1', entryPrice: 100 }]) {
    book.add(aPosition({ tradeId: p.tradeId, entryPrice: p.entryPrice, peakPrice: p.peakPrice ?? p.entryPrice, entryAt: 0 }));
  }
  scheduler.run(({ cold, expectObservable }) => {
    const decided$ = cold(opts.path, ticks(opts.prices)).pipe(
      exitDecisions(book, scheduler),
      map((d) => `${d.tradeId}:${d.reason}@${d.price}`),
    );
    expectObservable(decided$).toBe(opts.expected, opts.decisions);
  });
}

describe('exitDecisions (marbles)', () => {
  it('fires the hard stop on the first tick at or below 7% under entry', () => {
    expectPath({
      settings: { hardStopLossPct: 7 },
      path: '-a-b-c-d|',
      prices: { a: 99, b: 95, c: 92.9, d: 90 },
      expected: '-----x--|',
      decisions: { x: 't1:hard_stop@92.9' },
    });
  });

  it('fires the profit target on the first tick at or above 10% over entry', () => {
    expectPath({
      settings: { profitTargetPct: 10 },
      path: '-a-b-c-d|',
      prices: { a: 104, b: 109.99, c: 110, d: 115 },
      expected: '-----x--|',
      decisions: { x: 't1:profit_target@110' },
    });
  });

  it('fires the trailing stop 5% under the peak, which follows the price up', () => {
    // peak 110 → stop 104.5: 104.6 holds, 104 exits; without the risen peak neither would
    expectPath({
      settings: { trailingStopPct: 5, profitTargetPct: 50 },
      path: 'a-b-c-d-e|',
      prices: { a: 105, b: 110, c: 104.6, d: 104, e: 100 },
      expected: '------x--|',
      decisions: { x: 't1:trailing_stop@104' },
    });
  });

  it('trails from a persisted peak after a restart', () => {
    expectPath({
      settings: { trailingStopPct: 5, profitTargetPct: 50 },
      positions: [{ tradeId: 't1', entryPrice: 100, peakPrice: 120 }],
      path: 'a-b|',
      prices: { a: 115, b: 113.9 },
      expected: '--x|',
      decisions: { x: 't1:trailing_stop@113.9' },
    });
  });

  it('fires max hold on the first tick once maxHoldDurationSec has passed', () => {
    expectPath({
      settings: { maxHoldDurationSec: 2 },
      path: 'a 999ms b 998ms c d 9ms e|',
      prices: { a: 100, b: 101, c: 100, d: 100.5, e: 100 },
      expected: '2000ms x 10ms |',
      decisions: { x: 't1:time_exit@100.5' },
    });
  });

  it('fires the session close on the first tick at or after forceCloseAt', () => {
    expectPath({
      settings: { forceCloseAt: 500 },
      path: 'a 498ms b c d|',
      prices: { a: 100, b: 101, c: 102, d: 103 },
      expected: '500ms x-|',
      decisions: { x: 't1:force_close_eod@102' },
    });
  });

  it('exits each position once, each at its own stop', () => {
    expectPath({
      settings: { hardStopLossPct: 10 },
      positions: [
        { tradeId: 'hi', entryPrice: 100 },
        { tradeId: 'lo', entryPrice: 90 },
      ],
      path: 'a-b-c-d|',
      prices: { a: 95, b: 89, c: 80, d: 70 },
      expected: '--x-y--|',
      decisions: { x: 'hi:hard_stop@89', y: 'lo:hard_stop@80' },
    });
  });

  it('emits one decision per position when several exit on the same tick', () => {
    expectPath({
      settings: { profitTargetPct: 10 },
      positions: [
        { tradeId: 'a1', entryPrice: 100 },
        { tradeId: 'a2', entryPrice: 100 },
      ],
      path: '-a 9ms b|',
      prices: { a: 111, b: 120 },
      expected: '-(xy) 7ms |',
      decisions: { x: 'a2:profit_target@111', y: 'a1:profit_target@111' },
    });
  });

  it('reports the hard stop, not the session close, when both apply on one tick', () => {
    expectPath({
      settings: { forceCloseAt: 2 },
      path: 'a-b|',
      prices: { a: 100, b: 90 },
      expected: '--x|',
      decisions: { x: 't1:hard_stop@90' },
    });
  });
});
