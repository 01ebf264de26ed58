import { describe, expect, it } from 'vitest';
import { evaluateExits } from '../../src/core/exits/exit-rules.js';
import { hardStopRule } from '../../src/core/exits/hard-stop.rule.js';
import { maxHoldRule } from '../../src/core/exits/max-hold.rule.js';
import { profitTargetRule } from '../../src/core/exits/profit-target.rule.js';
import { sessionCloseRule } from '../../src/core/exits/session-close.rule.js';
import { trailingStopRule } from '../../src/core/exits/trailing-stop.rule.js';
import { aPosition, exitSettings } from './core-builders.js';

const pos = aPosition({ entryPrice: 100, entryAt: 1_000, peakPrice: 100 });

describe('exit rules', () => {
  it('hard stop fires at or below entry × (1 − 7%)', () => {
    expect(hardStopRule(pos, 93.01, 2_000, exitSettings())).toBeNull();
    expect(hardStopRule(pos, 93, 2_000, exitSettings())).toMatchObject({ reason: 'hard_stop', price: 93, at: 2_000, tradeId: 't-1' });
    expect(hardStopRule(pos, 92.9, 2_000, exitSettings())?.detail).toBe('price 92.90 ≤ stop 93.00 (7% below entry 100.00)');
  });

  it('profit target fires at or above entry × (1 + 10%)', () => {
    expect(profitTargetRule(pos, 109.99, 2_000, exitSettings())).toBeNull();
    expect(profitTargetRule(pos, 110.5, 2_000, exitSettings())).toMatchObject({ reason: 'profit_target', price: 110.5 });
  });

  it('hits the target at exactly entry × 1.1 despite binary float noise (100 × 1.1 ≠ 110 in floats)', () => {
    expect(profitTargetRule(pos, 110, 2_000, exitSettings())?.reason).toBe('profit_target');
    expect(profitTargetRule({ ...pos, entryPrice: 2.37 }, 2.607, 2_000, exitSettings())?.reason).toBe('profit_target');
  });

  it('trailing stop is off when trailingStopPct is null', () => {
    expect(trailingStopRule({ ...pos, peakPrice: 108 }, 94, 2_000, exitSettings())).toBeNull();
  });

  it('trailing stop fires at or below the peak × (1 − pct)', () => {
    const s = exitSettings({ trailingStopPct: 5 });
    expect(trailingStopRule({ ...pos, peakPrice: 108 }, 102.7, 2_000, s)).toBeNull();
    expect(trailingStopRule({ ...pos, peakPrice: 108 }, 102.6, 2_000, s)).toMatchObject({ reason: 'trailing_stop' });
  });

  it('trailing stop counts the current price as a peak (a new high never trails itself out)', () => {
    expect(trailingStopRule({ ...pos, peakPrice: 100 }, 120, 2_000, exitSettings({ trailingStopPct: 5 }))).toBeNull();
  });

  it('max hold fires once now − entryAt reaches maxHoldDurationSec', () => {
    expect(maxHoldRule(pos, 100, 1_000 + 299_999, exitSettings())).toBeNull();
    expect(maxHoldRule(pos, 100, 1_000 + 300_000, exitSettings())).toMatchObject({ reason: 'time_exit', detail: 'held 300s ≥ max hold 300s' });
  });

  it('session close fires at or after forceCloseAt, and never without one', () => {
    expect(sessionCloseRule(pos, 100, 5_000, exitSettings({ forceCloseAt: null }))).toBeNull();
    expect(sessionCloseRule(pos, 100, 4_999, exitSettings({ forceCloseAt: 5_000 }))).toBeNull();
    expect(sessionCloseRule(pos, 100, 5_000, exitSettings({ forceCloseAt: 5_000 }))).toMatchObject({ reason: 'force_close_eod' });
  });
});

describe('evaluateExits precedence', () => {
  const everything = exitSettings({ trailingStopPct: 5, forceCloseAt: 0, maxHoldDurationSec: 0 });

  it('prefers the hard stop over everything else', () => {
    expect(evaluateExits({ ...pos, peakPrice: 120 }, 90, 10_000, everything)?.reason).toBe('hard_stop');
  });

  it('prefers the trailing stop over the profit target and the clock exits', () => {
    // peak 130: trailing stop at 123.5; 111 is above the target 110
    expect(evaluateExits({ ...pos, peakPrice: 130 }, 111, 10_000, everything)?.reason).toBe('trailing_stop');
  });

  it('prefers the profit target over the clock exits', () => {
    expect(evaluateExits(pos, 111, 10_000, everything)?.reason).toBe('profit_target');
  });

  it('prefers the session close over max hold', () => {
    expect(evaluateExits(pos, 100, 10_000, everything)?.reason).toBe('force_close_eod');
  });

  it('falls through to max hold, and to nothing inside every band', () => {
    expect(evaluateExits(pos, 100, 1_000_000, exitSettings({ maxHoldDurationSec: 60 }))?.reason).toBe('time_exit');
    expect(evaluateExits(pos, 100, 2_000, exitSettings({ trailingStopPct: 5, forceCloseAt: 1e12 }))).toBeNull();
  });
});
