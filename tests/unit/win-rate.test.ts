import { describe, expect, it } from 'vitest';
import { runEntryChecks } from '../../src/core/risk/gateway.js';
import { winRateCheck } from '../../src/core/risk/checks/win-rate.check.js';
import { judgeWinRate } from '../../src/core/safety/win-rate.js';
import { anEntryContext, someSafetyFacts } from './core-builders.js';

const on = { minWinRate: 0.55, minWinRateLookback: 20 };

describe('judgeWinRate', () => {
  it('waits until lookback trades closed in the window, whatever they were', () => {
    expect(judgeWinRate({ trades: 19, wins: 0 }, on)).toMatchObject({ status: 'waiting', trades: 19, wins: 0, winRate: 0 });
    expect(judgeWinRate({ trades: 0, wins: 0 }, on)).toMatchObject({ status: 'waiting', winRate: null });
  });

  it('compares exactly: 11 wins of 20 is 0.55 (ok), 10 is below', () => {
    expect(judgeWinRate({ trades: 20, wins: 11 }, on)).toMatchObject({ status: 'ok', winRate: 0.55 });
    expect(judgeWinRate({ trades: 20, wins: 10 }, on)).toMatchObject({ status: 'below', winRate: 0.5 });
  });

  it('is off when minWinRate is null, and rounds the rate to 4 decimals', () => {
    expect(judgeWinRate({ trades: 20, wins: 0 }, { minWinRate: null, minWinRateLookback: 20 }).status).toBe('off');
    expect(judgeWinRate({ trades: 7, wins: 2 }, { minWinRate: 0.5, minWinRateLookback: 7 }).winRate).toBe(0.2857);
  });

  it('fails closed on a NaN minimum', () => {
    expect(judgeWinRate({ trades: 20, wins: 20 }, { minWinRate: Number.NaN, minWinRateLookback: 20 }).status).toBe('below');
  });
});

describe('the win-rate entry check', () => {
  it('denies WIN_RATE_BELOW_MIN only for a verdict below, with the numbers', () => {
    const below = someSafetyFacts({ winRate: judgeWinRate({ trades: 20, wins: 4 }, on) });
    expect(winRateCheck.check(anEntryContext({ safety: below }))).toMatchObject({
      code: 'WIN_RATE_BELOW_MIN', context: { wins: 4, trades: 20, lookback: 20, minWinRate: 0.55, winRate: 0.2 },
    });
    for (const window of [{ trades: 20, wins: 11 }, { trades: 3, wins: 0 }]) {
      expect(winRateCheck.check(anEntryContext({ safety: someSafetyFacts({ winRate: judgeWinRate(window, on) }) }))).toBeNull();
    }
    expect(runEntryChecks(anEntryContext({ safety: below })).denial?.code).toBe('WIN_RATE_BELOW_MIN');
  });
});
