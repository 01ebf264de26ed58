import { describe, expect, it } from 'vitest';
import { CONNECTION_LIMIT_BACKOFF, STREAM_BACKOFF, fullJitterDelay } from '../../src/adapters/alpaca/backoff.js';
import { SubscriptionSet } from '../../src/adapters/alpaca/subscription-set.js';

describe('fullJitterDelay', () => {
  it('doubles the ceiling per attempt from 500 ms and caps it at 30 s', () => {
    const top = (attempt: number) => fullJitterDelay(attempt, STREAM_BACKOFF, () => 1);
    expect([0, 1, 2, 3, 6, 7, 20].map(top)).toEqual([500, 1000, 2000, 4000, 30_000, 30_000, 30_000]);
  });

  it('scales the ceiling by the injected random (full jitter)', () => {
    expect(fullJitterDelay(2, STREAM_BACKOFF, () => 0.25)).toBe(500);
    expect(fullJitterDelay(2, STREAM_BACKOFF, () => 0)).toBe(0);
  });

  it('never waits less than half the ceiling after a connection-limit error', () => {
    expect(fullJitterDelay(0, CONNECTION_LIMIT_BACKOFF, () => 0)).toBe(2_500);
    expect(fullJitterDelay(10, CONNECTION_LIMIT_BACKOFF, () => 0)).toBe(60_000);
  });
});

describe('SubscriptionSet', () => {
  it('returns only real additions and removals as deltas', () => {
    const set = new SubscriptionSet();
    expect(set.add({ trades: ['AAPL', 'MSFT'], bars: ['AAPL'] })).toEqual({ trades: ['AAPL', 'MSFT'], bars: ['AAPL'] });
    expect(set.add({ trades: ['AAPL', 'TSLA'] })).toEqual({ trades: ['TSLA'] });
    expect(set.remove({ trades: ['MSFT', 'NVDA'], quotes: ['AAPL'] })).toEqual({ trades: ['MSFT'] });
    expect(set.all()).toEqual({ trades: ['AAPL', 'TSLA'], bars: ['AAPL'] });
  });
});
