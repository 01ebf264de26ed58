import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { MarketDataEvent } from '../../src/ports/market-data.port.js';
import type { TradeStreamEvent } from '../../src/ports/trade-stream.port.js';
import { marketDataHealth, tradeStreamHealth } from '../../src/streams/operators/stream-health.js';
import { aFillUpdate } from '../support/alpaca-builders.js';

const TRADE: Record<string, TradeStreamEvent> = {
  c: { type: 'connected', at: 1, attempt: 0 },
  r: { type: 'resynced', at: 2, since: 0, openOrders: [], fills: [] },
  f: { type: 'resync_failed', at: 3, error: 'HTTP 500' },
  d: { type: 'disconnected', at: 4, reason: 'pong timeout', retryInMs: 1000 },
  x: { type: 'fatal', at: 5, error: 'unauthorized' },
  u: { type: 'trade_update', update: aFillUpdate(), receivedAt: 6 },
};

const DATA: Record<string, MarketDataEvent> = {
  c: { type: 'connected', at: 1, attempt: 0 },
  d: { type: 'disconnected', at: 2, reason: 'closed', retryInMs: 500 },
  s: { type: 'disconnected', at: 3, reason: 'stopped', retryInMs: null },
  x: { type: 'fatal', at: 4, error: 'insufficient subscription' },
  e: { type: 'error', code: 405, message: 'symbol limit exceeded', at: 5 },
};

const HEALTH = { l: 'live', r: 'reconnecting', D: 'down', o: 'off' };

function run<E>(operator: () => import('rxjs').OperatorFunction<E, string>, events: Record<string, E>, source: string, expected: string): void {
  const scheduler = new TestScheduler((actual, exp) => expect(actual).toEqual(exp));
  scheduler.run(({ cold, expectObservable }) => {
    expectObservable(cold(source, events).pipe(operator())).toBe(expected, HEALTH);
  });
}

describe('tradeStreamHealth (marbles)', () => {
  it('is reconnecting (connecting) until the catch-up after a connect finished, then live; a trade update changes nothing', () => {
    run(tradeStreamHealth, TRADE, '-c-r-u', 'r--l');
  });

  it('is reconnecting through a drop and live again only after the next catch-up', () => {
    run(tradeStreamHealth, TRADE, '-c-r-d-c-r', 'r--l-r---l');
  });

  it('is down when the catch-up failed (nothing retries it before the next connect) or the stream gave up', () => {
    run(tradeStreamHealth, TRADE, '-c-f-d-c-r-x', 'r--D-r---l-D');
  });
});

describe('marketDataHealth (marbles)', () => {
  it('is off until its first event, live from a connect, reconnecting through a drop; an error frame changes nothing', () => {
    run(marketDataHealth, DATA, '-c-e-d-c', 'ol---r-l');
  });

  it('is off after a deliberate stop and down when it gave up', () => {
    run(marketDataHealth, DATA, '-c-s-c-x', 'ol-o-l-D');
  });
});
