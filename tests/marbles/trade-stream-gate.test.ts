import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/domain/order.js';
import type { TradeStreamEvent } from '../../src/ports/trade-stream.port.js';
import { tradeStreamGate } from '../../src/streams/operators/trade-stream-gate.js';
import { aFillUpdate, anOrder } from '../support/alpaca-builders.js';

const sell = (id: string, symbol: string, status: Order['status'] = 'new'): Order => anOrder({ id, symbol, side: 'sell', status, statusRaw: status });

const EVENTS: Record<string, TradeStreamEvent> = {
  c: { type: 'connected', at: 1, attempt: 0 },
  r: { type: 'resynced', at: 2, since: 0, openOrders: [sell('o1', 'ABCD'), anOrder({ id: 'b1', symbol: 'WXYZ', side: 'buy', status: 'new' })], fills: [] },
  f: { type: 'resync_failed', at: 3, error: 'HTTP 500' },
  d: { type: 'disconnected', at: 4, reason: 'pong timeout', retryInMs: 1000 },
  x: { type: 'fatal', at: 5, error: 'unauthorized' },
  n: { type: 'trade_update', update: { ...aFillUpdate(), order: sell('o2', 'EFGH') }, receivedAt: 6 },
  k: { type: 'trade_update', update: { ...aFillUpdate(), order: sell('o1', 'ABCD', 'filled') }, receivedAt: 7 },
};

/** L = live, letters of the phase otherwise; sells listed after a colon */
function run(source: string, expected: string, values: Record<string, string>): void {
  const scheduler = new TestScheduler((actual, exp) => expect(actual).toEqual(exp));
  scheduler.run(({ cold, expectObservable }) => {
    const gate$ = cold(source, EVENTS).pipe(
      tradeStreamGate(),
      map((g) => `${g.live ? 'L' : g.phase}:${[...g.openSellSymbols].sort().join(',')}`),
    );
    expectObservable(gate$).toBe(expected, values);
  });
}

describe('tradeStreamGate (marbles)', () => {
  it('is closed until the catch-up after a connect has finished, then live with the open sells it found', () => {
    run('-c-r', 'ab-c', { a: 'never_connected:', b: 'catching_up:', c: 'L:ABCD' });
  });

  it('closes on a disconnect and opens again only after the next resync', () => {
    run('-c-r-d-d-c-r', 'ab-c-d-d-e-f', { a: 'never_connected:', b: 'catching_up:', c: 'L:ABCD', d: 'disconnected:ABCD', e: 'catching_up:ABCD', f: 'L:ABCD' });
  });

  it('stays closed when the catch-up fails, and for good on a fatal error', () => {
    run('-c-f', 'ab-c', { a: 'never_connected:', b: 'catching_up:', c: 'resync_failed:' });
    run('-c-r-x', 'ab-c-d', { a: 'never_connected:', b: 'catching_up:', c: 'L:ABCD', d: 'fatal:ABCD' });
  });

  it('follows sell orders: a new sell adds its symbol, a terminal one removes it; buys never count', () => {
    run('-c-r-n-k', 'ab-c-d-e', { a: 'never_connected:', b: 'catching_up:', c: 'L:ABCD', d: 'L:ABCD,EFGH', e: 'L:EFGH' });
  });
});
