import { describe, expect, it } from 'vitest';
import { sizeEntry, sizeWarnings } from '../../src/core/sizing/size-entry.js';
import type { SizingInput, SizingResult } from '../../src/core/sizing/size-entry.js';
import { Decimal } from '../../src/domain/money.js';
import { aSignal, someSettings } from './core-builders.js';

function input(over: Partial<SizingInput> = {}): SizingInput {
  return { settings: someSettings(), signal: aSignal(), stars: 5, equity: null, price: null, ...over };
}
function notionalOf(r: SizingResult): string {
  if (!r.ok) throw new Error(`denied: ${r.denial.code}`);
  return r.size.notional.toFixed(2);
}
function codeOf(r: SizingResult): string {
  if (r.ok) throw new Error('sized');
  return r.denial.code;
}

describe('sizeEntry — star tiers', () => {
  it('sizes 3/4/5 stars at the tier dollars 50/75/100', () => {
    expect(notionalOf(sizeEntry(input({ stars: 3 })))).toBe('50.00');
    expect(notionalOf(sizeEntry(input({ stars: 4 })))).toBe('75.00');
    expect(notionalOf(sizeEntry(input({ stars: 5 })))).toBe('100.00');
  });

  it('skips 1 and 2 stars with STARS_TOO_LOW in every mode', () => {
    for (const sizingMode of ['star_tiers', 'fixed_dollar', 'pct_portfolio', 'risk_based'] as const) {
      const r = sizeEntry(input({ stars: 2, settings: someSettings({ sizingMode }), equity: new Decimal(10_000) }));
      expect(codeOf(r)).toBe('STARS_TOO_LOW');
    }
    expect(codeOf(sizeEntry(input({ stars: 1 })))).toBe('STARS_TOO_LOW');
  });

  it('caps at maxPerTradeUsd and records that the cap applied', () => {
    const r = sizeEntry(input({ settings: someSettings({ tradeSizeStars5: new Decimal(900), maxPerTradeUsd: new Decimal(250) }) }));
    expect(notionalOf(r)).toBe('250.00');
    expect(r.ok && r.size.inputs).toMatchObject({ mode: 'star_tiers', stars: 5, uncapped: '900', cappedBy: 'maxPerTradeUsd' });
  });

  it('records no cap when the size is under it', () => {
    const r = sizeEntry(input({ stars: 3 }));
    expect(r.ok && r.size.inputs.cappedBy).toBeNull();
  });

  it('denies a zero tier size with SIZE_NOT_POSITIVE', () => {
    expect(codeOf(sizeEntry(input({ stars: 3, settings: someSettings({ tradeSizeStars3: new Decimal(0) }) })))).toBe('SIZE_NOT_POSITIVE');
  });
});

describe('sizeEntry — fixed dollar', () => {
  const settings = someSettings({ sizingMode: 'fixed_dollar', positionSizeUsd: new Decimal(200), maxPerTradeUsd: new Decimal(1000) });

  it('multiplies positionSizeUsd by the confidence multiplier', () => {
    expect(notionalOf(sizeEntry(input({ settings, signal: aSignal({ aiConfidence: 'high' }) })))).toBe('400.00');
    expect(notionalOf(sizeEntry(input({ settings, signal: aSignal({ aiConfidence: 'medium' }) })))).toBe('200.00');
    expect(notionalOf(sizeEntry(input({ settings, signal: aSignal({ aiConfidence: 'low' }) })))).toBe('100.00');
  });

  it('uses a multiplier of 1 without AI confidence', () => {
    expect(notionalOf(sizeEntry(input({ settings, signal: aSignal({ aiConfidence: null }) })))).toBe('200.00');
  });

  it('rounds down to cents', () => {
    const s = someSettings({ sizingMode: 'fixed_dollar', positionSizeUsd: new Decimal('100.019'), confidenceMultiplierMed: 1 });
    const r = sizeEntry(input({ settings: s, signal: aSignal({ aiConfidence: 'medium' }) }));
    expect(r.ok && r.size.notional.toFixed()).toBe('100.01');
  });
});

describe('sizeEntry — percent of portfolio', () => {
  const settings = someSettings({ sizingMode: 'pct_portfolio', maxPortfolioAllocationPct: 2.5 });

  it('sizes equity × allocation %', () => {
    expect(notionalOf(sizeEntry(input({ settings, equity: new Decimal(10_000) })))).toBe('250.00');
  });

  it('caps a large allocation at maxPerTradeUsd', () => {
    expect(notionalOf(sizeEntry(input({ settings, equity: new Decimal(1_000_000) })))).toBe('500.00');
  });

  it('denies with BUYING_POWER_UNKNOWN when equity is unknown', () => {
    expect(codeOf(sizeEntry(input({ settings, equity: null })))).toBe('BUYING_POWER_UNKNOWN');
  });
});

describe('sizeEntry — risk based', () => {
  // allocation 100 %: these pin the risk formula alone (the allocation reduction has its own tests)
  const settings = someSettings({ sizingMode: 'risk_based', riskPctPerTrade: 1, hardStopLossPct: 5, maxPerTradeUsd: new Decimal(100_000), maxPortfolioAllocationPct: 100 });

  it('uses the signal stop below price: $100 risk over a 2% distance is $5,000', () => {
    const signal = aSignal({ stopLossPrice: new Decimal('9.80') });
    const r = sizeEntry(input({ settings, signal, equity: new Decimal(10_000), price: 10 }));
    expect(notionalOf(r)).toBe('5000.00');
    expect(r.ok && r.size.inputs).toMatchObject({ stopSource: 'signal_stop', riskUsd: '100', stopDistance: '0.02' });
  });

  it('falls back to hardStopLossPct when the signal has no stop: $100 / 5% is $2,000', () => {
    const r = sizeEntry(input({ settings, equity: new Decimal(10_000), price: 10 }));
    expect(notionalOf(r)).toBe('2000.00');
    expect(r.ok && r.size.inputs.stopSource).toBe('hard_stop_pct');
  });

  it('ignores a signal stop at or above the price', () => {
    const signal = aSignal({ stopLossPrice: new Decimal('10.50') });
    expect(notionalOf(sizeEntry(input({ settings, signal, equity: new Decimal(10_000), price: 10 })))).toBe('2000.00');
  });

  it('caps at maxPerTradeUsd', () => {
    const capped = someSettings({ ...settings, maxPerTradeUsd: new Decimal(500) });
    expect(notionalOf(sizeEntry(input({ settings: capped, equity: new Decimal(10_000), price: 10 })))).toBe('500.00');
  });

  it('denies with BUYING_POWER_UNKNOWN when equity is unknown', () => {
    expect(codeOf(sizeEntry(input({ settings, equity: null, price: 10 })))).toBe('BUYING_POWER_UNKNOWN');
  });

  it('denies a zero stop distance with SIZE_NOT_POSITIVE', () => {
    const zero = someSettings({ ...settings, hardStopLossPct: 0 });
    expect(codeOf(sizeEntry(input({ settings: zero, equity: new Decimal(10_000), price: 10 })))).toBe('SIZE_NOT_POSITIVE');
  });
});

describe('sizeEntry — adjustments', () => {
  it('lists each reduction in order: the per-trade cap, then the allocation limit', () => {
    const settings = someSettings({ sizingMode: 'fixed_dollar', positionSizeUsd: new Decimal(2_000), maxPerTradeUsd: new Decimal(1_500), maxPortfolioAllocationPct: 10 });
    const r = sizeEntry(input({ settings, equity: new Decimal(12_345.67) }));
    expect(notionalOf(r)).toBe('1234.56');
    expect(r.ok && r.size.adjustments).toEqual([
      { field: 'notional', from: new Decimal(2_000), to: new Decimal(1_500), reason: 'capped at maxPerTradeUsd $1500.00' },
      { field: 'notional', from: new Decimal(1_500), to: new Decimal('1234.56'), reason: 'reduced to maxPortfolioAllocationPct 10% of equity $12345.67' },
    ]);
    expect(sizeWarnings(r.ok ? r.size : null)).toEqual([
      'size reduced from $2000.00 to $1500.00: capped at maxPerTradeUsd $1500.00',
      'size reduced from $1500.00 to $1234.56: reduced to maxPortfolioAllocationPct 10% of equity $12345.67',
    ]);
  });

  it('lists nothing when no limit bit, and leaves unknown or non-positive equity to the gateway', () => {
    const settings = someSettings({ sizingMode: 'fixed_dollar', positionSizeUsd: new Decimal(100), maxPerTradeUsd: new Decimal(500), maxPortfolioAllocationPct: 10 });
    for (const equity of [new Decimal(100_000), null, new Decimal(0), new Decimal(-5)]) {
      const r = sizeEntry(input({ settings, equity }));
      expect(notionalOf(r)).toBe('100.00');
      expect(r.ok && r.size.adjustments).toEqual([]);
    }
  });
});
