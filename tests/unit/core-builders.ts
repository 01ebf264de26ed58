/** Hand-written builders for the pure core's inputs (signals, settings, entry contexts, positions). */
import type { EntryContext, SafetyFacts, TodayFacts } from '../../src/core/risk/check.types.js';
import type { ExitSettings, PositionView } from '../../src/core/exits/exit.types.js';
import { DEFAULT_BOT_SETTINGS, type BotSettings } from '../../src/domain/bot-config.js';
import { Decimal } from '../../src/domain/money.js';
import type { SignalInput } from '../../src/domain/signal.js';

export function aSignal(over: Partial<SignalInput> = {}): SignalInput {
  return {
    id: 'sig-1',
    symbol: 'ABCD',
    side: 'buy',
    catalystType: 'fda_approval',
    catalystTier: 1,
    aiConfidence: null,
    stars: null,
    confidence: null,
    strategy: null,
    priceAtSignal: null,
    stopLossPrice: null,
    takeProfitPrice: null,
    floatShares: null,
    relativeVolume: null,
    ...over,
  };
}

export function someSettings(over: Partial<BotSettings> = {}): BotSettings {
  return { ...DEFAULT_BOT_SETTINGS, ...over };
}

/** a context every check passes */
export function anEntryContext(over: Partial<EntryContext> = {}): EntryContext {
  return {
    signal: aSignal(),
    settings: someSettings(),
    botState: 'running',
    reconciled: true,
    marketOpen: true,
    now: Date.parse('2026-11-23T15:00:00Z'), // 10:00 ET on a Monday
    forceCloseAt: Date.parse('2026-11-23T20:45:00Z'), // 15:45 ET
    liveSymbols: new Set<string>(),
    liveTradeCount: 0,
    buyingPower: new Decimal(10_000),
    notional: new Decimal(100),
    price: 5,
    safety: someSafetyFacts(),
    ...over,
  };
}

export function someSafetyFacts(over: Partial<SafetyFacts> = {}): SafetyFacts {
  return {
    today: { date: '2026-11-23', realizedPnl: new Decimal(0), tradeCount: 0, roundTripCount: 0, breakerLevel: 'none' },
    equity: new Decimal(100_000),
    unrealizedPnl: new Decimal(0),
    investedValue: new Decimal(0),
    marginMultiplier: new Decimal(1),
    accountBlocked: false,
    tradeStreamLive: true,
    openSellSymbols: new Set<string>(),
    winRate: { status: 'waiting', minWinRate: 0.5, lookback: 20, trades: 0, wins: 0, winRate: null },
    ...over,
  };
}

/** today's counters: someSafetyFacts()'s defaults with overrides */
export function someTodayFacts(over: Partial<TodayFacts> = {}): TodayFacts {
  return { ...someSafetyFacts().today, ...over };
}

export function exitSettings(over: Partial<ExitSettings> = {}): ExitSettings {
  return { hardStopLossPct: 7, profitTargetPct: 10, trailingStopPct: null, maxHoldDurationSec: 300, forceCloseAt: null, ...over };
}

export function aPosition(over: Partial<PositionView> = {}): PositionView {
  return { tradeId: 't-1', symbol: 'ABCD', entryPrice: 100, entryAt: 0, peakPrice: 100, ...over };
}
