import { describe, expect, it } from 'vitest';
import { ENTRY_CHECKS, runEntryChecks } from '../../src/core/risk/gateway.js';
import type { EntryContext } from '../../src/core/risk/check.types.js';
import { Decimal } from '../../src/domain/money.js';
import { aSignal, anEntryContext, someSettings } from './core-builders.js';

function deniedBy(over: Partial<EntryContext>) {
  const { denial } = runEntryChecks(anEntryContext(over));
  return denial;
}

describe('entry gateway', () => {
  it('passes a clean entry and keeps a passing verdict for every check, in order', () => {
    const { verdicts, denial } = runEntryChecks(anEntryContext());
    expect(denial).toBeNull();
    expect(verdicts.map((v) => v.check)).toEqual(ENTRY_CHECKS.map((c) => c.name));
    expect(verdicts.every((v) => v.passed && v.denial === null)).toBe(true);
    expect(ENTRY_CHECKS).toHaveLength(26);
  });

  it('reports the first denial but still records every verdict', () => {
    const { verdicts, denial } = runEntryChecks(anEntryContext({ botState: 'paused', marketOpen: false }));
    expect(denial?.code).toBe('BOT_NOT_RUNNING');
    expect(verdicts).toHaveLength(26);
    expect(verdicts.filter((v) => !v.passed).map((v) => v.denial?.code)).toEqual(['BOT_NOT_RUNNING', 'MARKET_CLOSED']);
  });

  it('keeps denial context JSON-safe', () => {
    const { verdicts } = runEntryChecks(anEntryContext({ notional: new Decimal(900), buyingPower: new Decimal(10), price: 50 }));
    const round = JSON.parse(JSON.stringify(verdicts));
    expect(round).toEqual(verdicts);
  });
});

describe('entry checks', () => {
  it.each(['paused', 'stopped', 'halted'] as const)('denies entries when the bot is %s with BOT_NOT_RUNNING', (state) => {
    expect(deniedBy({ botState: state })).toMatchObject({ code: 'BOT_NOT_RUNNING', context: { state } });
  });

  it('denies an unreconciled bot with NOT_RECONCILED', () => {
    expect(deniedBy({ reconciled: false })?.code).toBe('NOT_RECONCILED');
  });

  it('denies a closed market with MARKET_CLOSED and an unknown one with MARKET_STATE_UNKNOWN', () => {
    expect(deniedBy({ marketOpen: false })?.code).toBe('MARKET_CLOSED');
    expect(deniedBy({ marketOpen: null })?.code).toBe('MARKET_STATE_UNKNOWN');
  });

  it('denies from the day\'s forced close on with SESSION_CLOSING, naming its ET time; before it, or with the market closed or the close unknown, it does not judge', () => {
    const at = Date.parse('2026-11-23T20:45:00Z'); // 15:45 ET
    const late = deniedBy({ now: at, forceCloseAt: at });
    expect(late).toMatchObject({ code: 'SESSION_CLOSING', context: { forceCloseAt: '2026-11-23T20:45:00.000Z', now: '2026-11-23T20:45:00.000Z' } });
    expect(late?.message).toContain('15:45 ET');
    const early = Date.parse('2026-11-27T17:45:00Z'); // an early-close day: 12:45 ET
    expect(deniedBy({ now: early + 60_000, forceCloseAt: early })?.message).toContain('12:45 ET');
    expect(deniedBy({ now: at - 1, forceCloseAt: at })).toBeNull();
    expect(deniedBy({ now: at + 60_000, forceCloseAt: null })).toBeNull();
    expect(runEntryChecks(anEntryContext({ marketOpen: false, now: at + 60_000, forceCloseAt: at })).verdicts.find((v) => v.check === 'session-closing')?.passed).toBe(true);
  });

  it('denies a symbol with a live trade with DUPLICATE_SYMBOL', () => {
    expect(deniedBy({ liveSymbols: new Set(['ABCD']) })).toMatchObject({ code: 'DUPLICATE_SYMBOL', context: { symbol: 'ABCD' } });
    expect(deniedBy({ liveSymbols: new Set(['WXYZ']) })).toBeNull();
  });

  it('denies at the concurrent-position limit and never when the limit is null', () => {
    const d = deniedBy({ liveTradeCount: 3, settings: someSettings({ maxConcurrentPositions: 3 }) });
    expect(d).toMatchObject({ code: 'MAX_CONCURRENT_POSITIONS', context: { limit: 3, open: 3 } });
    expect(d?.message).toContain('3');
    expect(deniedBy({ liveTradeCount: 2, settings: someSettings({ maxConcurrentPositions: 3 }) })).toBeNull();
    expect(deniedBy({ liveTradeCount: 500, settings: someSettings({ maxConcurrentPositions: null }) })).toBeNull();
  });

  it('denies a notional above maxPerTradeUsd with PER_TRADE_CAP', () => {
    const d = deniedBy({ notional: new Decimal('500.01'), settings: someSettings({ maxPerTradeUsd: new Decimal(500) }) });
    expect(d).toMatchObject({ code: 'PER_TRADE_CAP', context: { notional: '500.01', limit: '500' } });
    expect(d?.message).toBe('notional $500.01 exceeds the per-trade cap $500.00');
    expect(deniedBy({ notional: new Decimal(500), settings: someSettings({ maxPerTradeUsd: new Decimal(500) }) })).toBeNull();
  });

  it('denies a notional above buying power with INSUFFICIENT_BUYING_POWER', () => {
    const d = deniedBy({ notional: new Decimal(100), buyingPower: new Decimal('99.99') });
    expect(d).toMatchObject({ code: 'INSUFFICIENT_BUYING_POWER', context: { notional: '100', buyingPower: '99.99' } });
  });

  it('denies unknown buying power with BUYING_POWER_UNKNOWN', () => {
    expect(deniedBy({ buyingPower: null })?.code).toBe('BUYING_POWER_UNKNOWN');
  });

  it('denies a disabled catalyst tier with CATALYST_TIER_DISABLED', () => {
    const d = deniedBy({ signal: aSignal({ catalystTier: 4 }), settings: someSettings({ enabledCatalystTiers: [1, 2] }) });
    expect(d).toMatchObject({ code: 'CATALYST_TIER_DISABLED', context: { tier: 4, enabled: [1, 2] } });
  });

  it('denies a signal price above maxSharePrice with PILLAR_SHARE_PRICE, only when the signal carries a price', () => {
    expect(deniedBy({ signal: aSignal({ priceAtSignal: new Decimal('20.01') }) })).toMatchObject({ code: 'PILLAR_SHARE_PRICE', context: { priceAtSignal: '20.01', limit: '20' } });
    expect(deniedBy({ signal: aSignal({ priceAtSignal: new Decimal('20') }) })).toBeNull();
    // no price on the signal: the pillar is not judged, whatever the market trades at
    expect(deniedBy({ signal: aSignal({ priceAtSignal: null }), price: 232.5 })).toBeNull();
  });

  it('denies a float above maxFloatShares with PILLAR_FLOAT, only when the signal carries it', () => {
    expect(deniedBy({ signal: aSignal({ floatShares: 25_000_000 }) })).toMatchObject({
      code: 'PILLAR_FLOAT',
      context: { floatShares: 25_000_000, limit: 20_000_000 },
    });
    expect(deniedBy({ signal: aSignal({ floatShares: 5_000_000 }) })).toBeNull();
    expect(deniedBy({ signal: aSignal({ floatShares: null }) })).toBeNull();
  });

  it('denies relative volume below minRelativeVolume with PILLAR_RELATIVE_VOLUME, only when carried', () => {
    expect(deniedBy({ signal: aSignal({ relativeVolume: 2.5 }) })).toMatchObject({
      code: 'PILLAR_RELATIVE_VOLUME',
      context: { relativeVolume: 2.5, limit: 5 },
    });
    expect(deniedBy({ signal: aSignal({ relativeVolume: 5 }) })).toBeNull();
    expect(deniedBy({ signal: aSignal({ relativeVolume: null }) })).toBeNull();
  });
});

describe('the signal-levels check', () => {
  const levels = (stop: string | null, target: string | null, price: number | null) =>
    deniedBy({ signal: aSignal({ stopLossPrice: stop === null ? null : new Decimal(stop), takeProfitPrice: target === null ? null : new Decimal(target) }), price });

  it('passes a signal without levels, and levels on the right sides of the price', () => {
    expect(levels(null, null, 10)).toBeNull();
    expect(levels('9.5', '11', 10)).toBeNull();
    expect(levels('9.5', null, 10)).toBeNull();
    expect(levels(null, '11', 10)).toBeNull();
    expect(levels('9.5', '11', null)).toBeNull();
  });

  it('skips a stop at or above the price or the target, a target at or below the price: every problem named', () => {
    const d = levels('11', '10.5', 10.5);
    expect(d?.code).toBe('INVALID_SIGNAL_LEVELS');
    expect(d?.context.problems).toEqual(['stop 11 is not below target 10.5', 'stop 11 is not below the price 10.5', 'target 10.5 is not above the price 10.5']);
    expect(levels('10', null, 10)?.code).toBe('INVALID_SIGNAL_LEVELS');
    expect(levels(null, '9', 10)?.code).toBe('INVALID_SIGNAL_LEVELS');
    // no price known: only stop < target is judged
    expect(levels('12', '11', null)?.context.problems).toEqual(['stop 12 is not below target 11']);
  });
});
