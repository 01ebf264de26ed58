/** The status's account summary (pure): exposure rounded to 4 decimals, undefined ratios null. */
import { describe, expect, it } from 'vitest';
import { accountSummary } from '../../src/control/pipeline/account-summary.js';
import type { AccountReading } from '../../src/control/pipeline/account-cache.js';
import { dec } from '../../src/domain/money.js';

const reading = (overrides: Partial<AccountReading> = {}): AccountReading => ({
  equity: dec('30000'), cash: dec('20000'), buyingPower: dec('40000'), lastEquity: dec('29000'), longMarketValue: dec('10000'),
  multiplier: dec(2), blocked: false, at: 1_000, ...overrides,
});

describe('account summary', () => {
  it('is long market value ÷ equity × 100 rounded to 4 decimals, with the read\'s money and time', () => {
    const s = accountSummary(reading(), dec('12.5'));
    expect(s.exposurePct).toBe(33.3333);
    expect(s).toMatchObject({ asOf: 1_000, unrealizedPnl: dec('12.5') });
    expect([s.equity, s.cash, s.buyingPower, s.longMarketValue].map((d) => d?.toFixed())).toEqual(['30000', '20000', '40000', '10000']);
  });

  it('has no exposure when the long market value is unknown or equity is not positive', () => {
    expect(accountSummary(reading({ longMarketValue: null }), null).exposurePct).toBeNull();
    expect(accountSummary(reading({ equity: dec(0) }), null).exposurePct).toBeNull();
    expect(accountSummary(reading({ equity: dec(-5) }), null).exposurePct).toBeNull();
  });
});
