import { describe, expect, it } from 'vitest';
import { ENTRY_CHECKS, runEntryChecks } from '../../src/core/risk/gateway.js';
import type { EntryContext, SafetyFacts, TodayFacts } from '../../src/core/risk/check.types.js';
import type { BotSettings } from '../../src/domain/bot-config.js';
import type { Denial } from '../../src/domain/denial.js';
import { Decimal } from '../../src/domain/money.js';
import { aSignal, anEntryContext, someSafetyFacts, someSettings, someTodayFacts } from './core-builders.js';

interface Over {
  ctx?: Partial<EntryContext>;
  safety?: Partial<SafetyFacts>;
  today?: Partial<TodayFacts>;
  settings?: Partial<BotSettings>;
}

function contextWith(over: Over = {}): EntryContext {
  return anEntryContext({
    settings: someSettings(over.settings),
    safety: someSafetyFacts({ today: someTodayFacts(over.today), ...over.safety }),
    ...over.ctx,
  });
}

/** the first denial of the complete gateway */
function deniedBy(over: Over = {}): Denial | null {
  return runEntryChecks(contextWith(over), ENTRY_CHECKS).denial;
}

/** one check's own verdict, whatever the checks before it say */
function verdictOf(check: string, over: Over = {}): Denial | null {
  const verdict = runEntryChecks(contextWith(over), ENTRY_CHECKS).verdicts.find((v) => v.check === check);
  if (!verdict) throw new Error(`no check named ${check}`);
  return verdict.denial;
}

const d = (v: Decimal.Value) => new Decimal(v);

describe('the complete entry gateway (ENTRY_CHECKS)', () => {
  it('runs every check in order, from bot-wide state to market to account to the signal', () => {
    const { verdicts, denial } = runEntryChecks(contextWith(), ENTRY_CHECKS);
    expect(denial).toBeNull();
    expect(verdicts.map((v) => v.check)).toEqual([
      'bot-running', 'circuit-breaker', 'win-rate', 'reconciled', 'stream-reconciling', 'market-open', 'session-closing', 'account-blocked',
      'buying-power', 'duplicate-symbol', 'max-concurrent-positions', 'max-trades-per-day', 'round-trip-cap', 'daily-loss',
      'per-trade-cap', 'position-allocation', 'total-invested', 'intraday-margin', 'wash-trade', 'signal-levels',
      'catalyst-tier-enabled', 'strategy-enabled', 'min-confidence', 'pillar-share-price', 'pillar-float',
      'pillar-relative-volume',
    ]);
    expect(verdicts.every((v) => v.passed && v.denial === null)).toBe(true);
  });

  it('keeps the pipeline issue checks in their relative order inside the complete list', () => {
    const full = ENTRY_CHECKS.map((c) => c.name);
    const pipeline = ['bot-running', 'reconciled', 'market-open', 'buying-power', 'duplicate-symbol', 'max-concurrent-positions',
      'per-trade-cap', 'catalyst-tier-enabled', 'pillar-share-price', 'pillar-float', 'pillar-relative-volume'];
    const positions = pipeline.map((name) => full.indexOf(name));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(new Set(full).size).toBe(full.length);
  });

  it('reports the most general reason first but records every failing check', () => {
    const { verdicts, denial } = runEntryChecks(
      contextWith({
        today: { breakerLevel: 'halt' },
        safety: { tradeStreamLive: false, openSellSymbols: new Set(['ABCD']) },
        ctx: { marketOpen: false, signal: aSignal({ confidence: 10 }) },
      }),
      ENTRY_CHECKS,
    );
    expect(denial?.code).toBe('CIRCUIT_BREAKER');
    expect(verdicts).toHaveLength(ENTRY_CHECKS.length);
    expect(verdicts.filter((v) => !v.passed).map((v) => v.denial?.code)).toEqual([
      'CIRCUIT_BREAKER', 'STREAM_RECONCILING', 'MARKET_CLOSED', 'WASH_TRADE_RISK', 'MIN_CONFIDENCE',
    ]);
  });

  it('keeps every verdict JSON-safe when every safety check denies', () => {
    const { verdicts } = runEntryChecks(
      contextWith({
        today: { breakerLevel: 'pause', tradeCount: 99, roundTripCount: 5, realizedPnl: d('-1000.25') },
        settings: { maxRoundTripsPerDay: 1, enabledStrategies: ['momentum'] },
        safety: {
          equity: d('1000.10'), unrealizedPnl: d('-50.5'), investedValue: d(5000), marginMultiplier: d(2),
          accountBlocked: true, tradeStreamLive: false, openSellSymbols: new Set(['ABCD']),
        },
        ctx: { notional: d('900.55'), signal: aSignal({ confidence: 10, strategy: 'gap' }) },
      }),
      ENTRY_CHECKS,
    );
    const codes = verdicts.flatMap((v) => (v.denial ? [v.denial.code] : []));
    expect(codes).toEqual(expect.arrayContaining([
      'CIRCUIT_BREAKER', 'STREAM_RECONCILING', 'ACCOUNT_BLOCKED', 'MAX_TRADES_PER_DAY', 'MAX_ROUND_TRIPS', 'DAILY_LOSS_LIMIT',
      'MAX_POSITION_ALLOCATION', 'MAX_TOTAL_INVESTED', 'INTRADAY_MARGIN', 'WASH_TRADE_RISK', 'STRATEGY_DISABLED', 'MIN_CONFIDENCE',
    ]));
    expect(JSON.parse(JSON.stringify(verdicts))).toEqual(verdicts);
  });

  it('keeps EQUITY_UNKNOWN verdicts JSON-safe', () => {
    const { verdicts } = runEntryChecks(
      contextWith({ safety: { equity: null, unrealizedPnl: null, investedValue: null }, ctx: { liveTradeCount: 1 } }),
      ENTRY_CHECKS,
    );
    const unknown = verdicts.filter((v) => v.denial?.code === 'EQUITY_UNKNOWN').map((v) => v.check);
    expect(unknown).toEqual(['daily-loss', 'position-allocation', 'total-invested', 'intraday-margin']);
    expect(JSON.parse(JSON.stringify(verdicts))).toEqual(verdicts);
  });
});

describe('circuit-breaker', () => {
  it.each(['pause', 'halt'] as const)('denies entries when the breaker is at %s with CIRCUIT_BREAKER', (level) => {
    expect(deniedBy({ today: { breakerLevel: level } })).toMatchObject({ code: 'CIRCUIT_BREAKER', context: { level, date: '2026-11-23' } });
  });

  it.each(['warn', 'none'] as const)('lets entries through when the breaker is at %s', (level) => {
    expect(deniedBy({ today: { breakerLevel: level } })).toBeNull();
  });
});

describe('max-trades-per-day', () => {
  it('denies the entry once today has reached maxTradesPerDay (at the limit denies)', () => {
    const denial = deniedBy({ today: { tradeCount: 10 }, settings: { maxTradesPerDay: 10 } });
    expect(denial).toMatchObject({ code: 'MAX_TRADES_PER_DAY', context: { limit: 10, today: 10, date: '2026-11-23' } });
    expect(denial?.message).toBe('10 entries today, limit 10 per day');
  });

  it('lets the last allowed entry through (one below the limit)', () => {
    expect(deniedBy({ today: { tradeCount: 9 }, settings: { maxTradesPerDay: 10 } })).toBeNull();
  });
});

describe('round-trip-cap', () => {
  it('denies once today has reached the trader\'s round-trip cap with MAX_ROUND_TRIPS (at the cap denies)', () => {
    expect(deniedBy({ today: { roundTripCount: 3 }, settings: { maxRoundTripsPerDay: 3 } })).toMatchObject({
      code: 'MAX_ROUND_TRIPS',
      context: { limit: 3, today: 3 },
    });
  });

  it('passes below the cap, and always when there is no cap', () => {
    expect(deniedBy({ today: { roundTripCount: 2 }, settings: { maxRoundTripsPerDay: 3 } })).toBeNull();
    expect(deniedBy({ today: { roundTripCount: 99 }, settings: { maxRoundTripsPerDay: null } })).toBeNull();
  });

  it('denies every entry with a cap of 0', () => {
    expect(verdictOf('round-trip-cap', { settings: { maxRoundTripsPerDay: 0 } })?.code).toBe('MAX_ROUND_TRIPS');
  });
});

describe('daily-loss', () => {
  // limit $500, hard stop 7 %, notional $100: this trade stopped out loses $7
  const base = { settings: { dailyLossLimitUsd: d(500), hardStopLossPct: 7 }, ctx: { notional: d(100), liveTradeCount: 1 } };

  it('denies an entry whose stop-out would take the day exactly to the limit (reaching it denies)', () => {
    const denial = deniedBy({ ...base, today: { realizedPnl: d(-400) }, safety: { unrealizedPnl: d(-93) } });
    expect(denial).toEqual({
      code: 'DAILY_LOSS_LIMIT',
      message:
        "this entry could breach the daily loss limit: today's P&L -$493.00 (realized -$400.00, unrealized -$93.00) plus this trade stopped out -$7.00 = -$500.00, limit -$500.00",
      context: {
        reached: false,
        realizedPnl: '-400',
        unrealizedPnl: '-93',
        todayPnl: '-493',
        tradeWorstCase: '-7',
        worstCase: '-500',
        limit: '500',
        notional: '100',
        hardStopLossPct: 7,
      },
    });
  });

  it('passes when the worst case stays one cent short of the limit', () => {
    expect(deniedBy({ ...base, today: { realizedPnl: d(-400) }, safety: { unrealizedPnl: d('-92.99') } })).toBeNull();
  });

  it('denies when the day is already at the limit before this trade, saying so', () => {
    const denial = deniedBy({ ...base, today: { realizedPnl: d(-500) }, safety: { unrealizedPnl: d(0) } });
    expect(denial).toMatchObject({ code: 'DAILY_LOSS_LIMIT', context: { reached: true, todayPnl: '-500', worstCase: '-507' } });
    expect(denial?.message).toMatch(/^daily loss limit reached: today's P&L -\$500\.00/);
  });

  it('counts unrealized gains against realized losses', () => {
    expect(deniedBy({ ...base, today: { realizedPnl: d(-520) }, safety: { unrealizedPnl: d(100) } })).toBeNull();
    expect(deniedBy({ ...base, today: { realizedPnl: d(-520) }, safety: { unrealizedPnl: d(0) } })?.code).toBe('DAILY_LOSS_LIMIT');
  });

  it('sizes the stop-out from the notional and hardStopLossPct exactly (Decimal)', () => {
    const denial = verdictOf('daily-loss', {
      settings: { dailyLossLimitUsd: d(500), hardStopLossPct: 2.5 },
      today: { realizedPnl: d('-491.9') },
      ctx: { notional: d('123.45') },
    });
    // 123.45 × 2.5 % = 3.08625; -491.9 - 3.08625 = -494.98625 > -500: passes
    expect(denial).toBeNull();
    const over = verdictOf('daily-loss', {
      settings: { dailyLossLimitUsd: d(500), hardStopLossPct: 2.5 },
      today: { realizedPnl: d('-496.91375') },
      ctx: { notional: d('123.45') },
    });
    expect(over?.context).toMatchObject({ tradeWorstCase: '-3.08625', worstCase: '-500' });
  });

  it('denies with EQUITY_UNKNOWN when unrealized P&L is unknown and trades are live', () => {
    expect(deniedBy({ ...base, safety: { unrealizedPnl: null } })).toMatchObject({
      code: 'EQUITY_UNKNOWN',
      context: { missing: ['unrealizedPnl'], liveTrades: 1, limit: '500' },
    });
  });

  it('treats unknown unrealized P&L as zero when no trade is live', () => {
    const noLive = { ...base, ctx: { notional: d(100), liveTradeCount: 0 }, safety: { unrealizedPnl: null } };
    expect(verdictOf('daily-loss', noLive)).toBeNull();
    expect(verdictOf('daily-loss', { ...noLive, today: { realizedPnl: d(-495) } })).toMatchObject({
      code: 'DAILY_LOSS_LIMIT',
      context: { unrealizedPnl: '0', worstCase: '-502' },
    });
  });

  it('fails closed on a non-number P&L', () => {
    expect(verdictOf('daily-loss', { ...base, safety: { unrealizedPnl: d(NaN) } })?.code).toBe('DAILY_LOSS_LIMIT');
  });

  it('takes a limit of 0 literally: no entry with a stop can pass', () => {
    expect(verdictOf('daily-loss', { settings: { dailyLossLimitUsd: d(0) } })?.code).toBe('DAILY_LOSS_LIMIT');
  });
});

describe('position-allocation', () => {
  // equity $100,000 × 10 % = $10,000 per position
  const alloc = (notional: Decimal.Value, equity: Decimal | null = d(100_000)) =>
    verdictOf('position-allocation', { settings: { maxPortfolioAllocationPct: 10 }, safety: { equity }, ctx: { notional: d(notional) } });

  it('denies a notional above maxPortfolioAllocationPct of equity with MAX_POSITION_ALLOCATION', () => {
    const denial = alloc(12_000);
    expect(denial).toEqual({
      code: 'MAX_POSITION_ALLOCATION',
      message: 'notional $12000.00 exceeds 10% of equity $100000.00 (max $10000.00 per position)',
      context: { notional: '12000', equity: '100000', allocationPct: '12.00', limitPct: 10, maxNotional: '10000' },
    });
    expect(alloc('10000.01')?.code).toBe('MAX_POSITION_ALLOCATION');
  });

  it('passes exactly at the limit', () => {
    expect(alloc(10_000)).toBeNull();
  });

  it('denies unknown equity with EQUITY_UNKNOWN', () => {
    expect(alloc(100, null)).toMatchObject({ code: 'EQUITY_UNKNOWN', context: { missing: ['equity'], notional: '100', limitPct: 10 } });
  });

  it('denies when equity is zero or not a number', () => {
    expect(alloc(1, d(0))).toMatchObject({ code: 'MAX_POSITION_ALLOCATION', context: { allocationPct: null, maxNotional: '0' } });
    expect(alloc(1, d(NaN))?.code).toBe('MAX_POSITION_ALLOCATION');
  });
});

describe('total-invested', () => {
  // equity $100,000 × 80 % = $80,000 invested at most
  const total = (investedValue: Decimal | null, equity: Decimal | null = d(100_000)) =>
    verdictOf('total-invested', { settings: { maxTotalInvestedPct: 80 }, safety: { equity, investedValue }, ctx: { notional: d(100) } });

  it('denies an entry that takes the invested total above maxTotalInvestedPct with MAX_TOTAL_INVESTED', () => {
    const denial = total(d('79900.01'));
    expect(denial).toEqual({
      code: 'MAX_TOTAL_INVESTED',
      message: 'invested $79900.01 + this entry $100.00 = $80000.01 exceeds 80% of equity $100000.00 (max $80000.00)',
      context: {
        investedValue: '79900.01', notional: '100', investedAfter: '80000.01', equity: '100000',
        investedPct: '80.00', limitPct: 80, maxInvested: '80000',
      },
    });
  });

  it('passes when the total lands exactly on the limit', () => {
    expect(total(d(79_900))).toBeNull();
  });

  it('denies unknown equity or invested value with EQUITY_UNKNOWN, naming what is missing', () => {
    expect(total(null)).toMatchObject({ code: 'EQUITY_UNKNOWN', context: { missing: ['investedValue'] } });
    expect(total(d(0), null)).toMatchObject({ code: 'EQUITY_UNKNOWN', context: { missing: ['equity'] } });
    expect(total(null, null)).toMatchObject({ code: 'EQUITY_UNKNOWN', context: { missing: ['equity', 'investedValue'] } });
  });
});

describe('intraday-margin', () => {
  // equity $10,000; notional $100
  const margin = (investedValue: Decimal | null, marginMultiplier: Decimal | null, equity: Decimal | null = d(10_000)) =>
    verdictOf('intraday-margin', { safety: { equity, investedValue, marginMultiplier }, ctx: { notional: d(100) } });

  it('denies exposure above equity × multiplier with INTRADAY_MARGIN and shows the numbers', () => {
    const denial = margin(d('9900.01'), d(1));
    expect(denial).toEqual({
      code: 'INTRADAY_MARGIN',
      message: 'intraday exposure after this entry $10000.01 (invested $9900.01 + $100.00) exceeds equity $10000.00 × 1 margin = $10000.00',
      context: {
        investedValue: '9900.01', notional: '100', exposure: '10000.01', equity: '10000',
        multiplier: '1', reportedMultiplier: '1', maxExposure: '10000',
      },
    });
  });

  it('passes exposure exactly at equity × multiplier', () => {
    expect(margin(d(9_900), d(1))).toBeNull();
    expect(margin(d(19_900), d(2))).toBeNull();
    expect(margin(d('19900.01'), d(2))?.code).toBe('INTRADAY_MARGIN');
  });

  it('reads an unknown multiplier as 1 (a cash account)', () => {
    expect(margin(d(9_900), null)).toBeNull();
    expect(margin(d('9900.01'), null)).toMatchObject({ code: 'INTRADAY_MARGIN', context: { multiplier: '1', reportedMultiplier: null } });
  });

  it('caps the multiplier at 4 whatever the account reports', () => {
    expect(margin(d(39_900), d(6))).toBeNull();
    expect(margin(d('39900.01'), d(6))).toMatchObject({ code: 'INTRADAY_MARGIN', context: { multiplier: '4', reportedMultiplier: '6', maxExposure: '40000' } });
  });

  it('denies unknown equity or invested value with EQUITY_UNKNOWN', () => {
    expect(margin(null, d(1))).toMatchObject({ code: 'EQUITY_UNKNOWN', context: { missing: ['investedValue'] } });
    expect(margin(d(0), d(1), null)).toMatchObject({ code: 'EQUITY_UNKNOWN', context: { missing: ['equity'] } });
  });
});

describe('min-confidence', () => {
  it('denies a confidence below minConfidence with MIN_CONFIDENCE', () => {
    expect(deniedBy({ settings: { minConfidence: 75 }, ctx: { signal: aSignal({ confidence: 74 }) } })).toMatchObject({
      code: 'MIN_CONFIDENCE',
      message: 'confidence 74 is below the minimum 75',
      context: { confidence: 74, limit: 75 },
    });
  });

  it('passes a confidence equal to the minimum', () => {
    expect(deniedBy({ settings: { minConfidence: 75 }, ctx: { signal: aSignal({ confidence: 75 }) } })).toBeNull();
  });

  it('does not judge a signal without a numeric confidence (the star rating covers it)', () => {
    expect(deniedBy({ settings: { minConfidence: 100 }, ctx: { signal: aSignal({ confidence: null }) } })).toBeNull();
  });
});

describe('strategy-enabled', () => {
  const only = { enabledStrategies: ['momentum', 'gap_up'] };

  it('denies a strategy that is not enabled with STRATEGY_DISABLED', () => {
    expect(deniedBy({ settings: only, ctx: { signal: aSignal({ strategy: 'reversal' }) } })).toMatchObject({
      code: 'STRATEGY_DISABLED',
      context: { strategy: 'reversal', enabled: ['momentum', 'gap_up'] },
    });
  });

  it('denies a signal without a strategy once the trader restricted strategies', () => {
    expect(deniedBy({ settings: only, ctx: { signal: aSignal({ strategy: null }) } })).toMatchObject({
      code: 'STRATEGY_DISABLED',
      context: { strategy: null },
    });
  });

  it('passes an enabled strategy, and any signal when no strategy is restricted', () => {
    expect(deniedBy({ settings: only, ctx: { signal: aSignal({ strategy: 'gap_up' }) } })).toBeNull();
    expect(deniedBy({ settings: { enabledStrategies: [] }, ctx: { signal: aSignal({ strategy: null }) } })).toBeNull();
    expect(deniedBy({ settings: { enabledStrategies: [] }, ctx: { signal: aSignal({ strategy: 'anything' }) } })).toBeNull();
  });
});

describe('account-blocked', () => {
  it('denies when the broker has blocked the account with ACCOUNT_BLOCKED', () => {
    expect(deniedBy({ safety: { accountBlocked: true } })).toMatchObject({ code: 'ACCOUNT_BLOCKED', context: { accountBlocked: true } });
  });

  it('passes a tradable account', () => {
    expect(deniedBy({ safety: { accountBlocked: false } })).toBeNull();
  });

  it('passes an unknown block state, leaving the missing snapshot to BUYING_POWER_UNKNOWN', () => {
    expect(verdictOf('account-blocked', { safety: { accountBlocked: null } })).toBeNull();
    expect(deniedBy({ safety: { accountBlocked: null }, ctx: { buyingPower: null } })?.code).toBe('BUYING_POWER_UNKNOWN');
  });
});

describe('wash-trade', () => {
  it('denies a buy while the broker holds an open sell on the symbol with WASH_TRADE_RISK', () => {
    expect(deniedBy({ safety: { openSellSymbols: new Set(['ABCD']) } })).toEqual({
      code: 'WASH_TRADE_RISK',
      message: 'an open sell order on ABCD at the broker: Alpaca would refuse this buy as a potential wash trade',
      context: { symbol: 'ABCD' },
    });
  });

  it('passes when the open sells are on other symbols', () => {
    expect(deniedBy({ safety: { openSellSymbols: new Set(['WXYZ']) } })).toBeNull();
  });
});

describe('stream-reconciling', () => {
  it('denies entries while the trade stream is not live with STREAM_RECONCILING', () => {
    expect(deniedBy({ safety: { tradeStreamLive: false } })).toMatchObject({ code: 'STREAM_RECONCILING', context: { tradeStreamLive: false } });
  });

  it('passes when the trade stream is live', () => {
    expect(deniedBy({ safety: { tradeStreamLive: true } })).toBeNull();
  });
});
