import { describe, expect, it } from 'vitest';
import { escalate, levelFor, levelRank } from '../../src/core/breakers/breaker-level.js';
import { dayLoss, tripped } from '../../src/core/breakers/daily-loss.js';
import { drawdownPct } from '../../src/core/breakers/drawdown.js';
import { BREAKER_LEVELS, type BreakerLevel } from '../../src/domain/bot-config.js';
import { dec } from '../../src/domain/money.js';

const thresholds = { circuitBreakerWarnPct: 3, circuitBreakerPausePct: 5, circuitBreakerHaltPct: 10 };

describe('drawdownPct', () => {
  it('is the session loss as a percent of the session-start equity', () => {
    expect(drawdownPct(dec(100_000), dec(95_000))?.toFixed()).toBe('5');
    expect(drawdownPct(dec('25000'), dec('24987.5'))?.toFixed()).toBe('0.05');
  });

  it('is exact in decimals (no binary float noise at a threshold)', () => {
    // 0.3 / 10 in floats is 0.030000000000000002
    expect(drawdownPct(dec(10), dec('9.7'))?.toFixed()).toBe('3');
  });

  it('is negative on a winning day', () => {
    expect(drawdownPct(dec(1000), dec(1100))?.toFixed()).toBe('-10');
  });

  it('is unknown (null) without a positive, finite anchor or with a non-finite equity', () => {
    expect(drawdownPct(null, dec(1))).toBeNull();
    expect(drawdownPct(dec(0), dec(1))).toBeNull();
    expect(drawdownPct(dec(-5), dec(1))).toBeNull();
    expect(drawdownPct(dec(NaN), dec(1))).toBeNull();
    expect(drawdownPct(dec(Infinity), dec(1))).toBeNull();
    expect(drawdownPct(dec(100), dec(NaN))).toBeNull();
  });
});

describe('levelFor', () => {
  const at = (d: string | null) => levelFor(d === null ? null : dec(d), thresholds);

  it('is none below the warn threshold and for a gain', () => {
    expect(at('2.9999')).toBe('none');
    expect(at('-4')).toBe('none');
    expect(at('0')).toBe('none');
  });

  it('treats each threshold as reached at exactly its value', () => {
    expect(at('3')).toBe('warn');
    expect(at('4.9999')).toBe('warn');
    expect(at('5')).toBe('pause');
    expect(at('9.9999')).toBe('pause');
    expect(at('10')).toBe('halt');
  });

  it('gives the highest level reached when the drawdown jumps past several', () => {
    expect(at('42')).toBe('halt');
  });

  it('is none for an unknown drawdown', () => {
    expect(at(null)).toBe('none');
    expect(levelFor(dec(NaN), thresholds)).toBe('none');
  });

  it('follows fractional thresholds from the settings', () => {
    const s = { circuitBreakerWarnPct: 0.1, circuitBreakerPausePct: 0.2, circuitBreakerHaltPct: 0.3 };
    expect(levelFor(dec('0.1'), s)).toBe('warn');
    expect(levelFor(dec('0.2999'), s)).toBe('pause');
    expect(levelFor(dec('0.3'), s)).toBe('halt');
  });
});

describe('escalate', () => {
  it('only ever goes up within a day', () => {
    const pairs: [BreakerLevel, BreakerLevel, BreakerLevel][] = [
      ['none', 'warn', 'warn'], ['warn', 'none', 'warn'], ['pause', 'warn', 'pause'],
      ['warn', 'halt', 'halt'], ['halt', 'none', 'halt'], ['pause', 'pause', 'pause'],
    ];
    for (const [prev, next, want] of pairs) expect(escalate(prev, next)).toBe(want);
  });

  it('orders the levels none < warn < pause < halt', () => {
    expect(BREAKER_LEVELS.map(levelRank)).toEqual([0, 1, 2, 3]);
  });
});

describe('daily loss tripped', () => {
  it('trips when realized + unrealized loses at least the limit', () => {
    expect(tripped(dec(-300), dec(-200), dec(500))).toBe(true);
    expect(tripped(dec('-499.99'), dec(0), dec(500))).toBe(false);
    expect(tripped(dec(-600), dec(150), dec(500))).toBe(false);
    expect(tripped(dec(100), dec(-600), dec(500))).toBe(true);
  });

  it('counts an unknown unrealized P&L as 0', () => {
    expect(tripped(dec(-500), null, dec(500))).toBe(true);
    expect(tripped(dec(-499), null, dec(500))).toBe(false);
    expect(dayLoss(dec(-12), null).toFixed()).toBe('12');
  });

  it('takes a 0 limit literally: the first cent lost trips, a flat or winning day does not', () => {
    expect(tripped(dec(0), dec(0), dec(0))).toBe(false);
    expect(tripped(dec(10), null, dec(0))).toBe(false);
    expect(tripped(dec('-0.01'), null, dec(0))).toBe(true);
  });

  it('fails closed on NaN', () => {
    expect(tripped(dec(NaN), dec(0), dec(500))).toBe(true);
    expect(tripped(dec(0), dec(NaN), dec(500))).toBe(true);
    expect(tripped(dec(0), dec(0), dec(NaN))).toBe(true);
  });
});
