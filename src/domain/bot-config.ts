/**
 * The bot's settings and lifecycle state: one persisted row (bot_config). Every setting exists from
 * the first migration with its default, so later work adds behaviour, not migrations.
 * Money limits are Decimal; percentages and counts are plain numbers (they are never summed).
 */
import type { ExitOverrides } from './exit-plan.js';
import { Decimal } from './money.js';

export const BOT_STATES = ['stopped', 'running', 'paused', 'halted'] as const;
export type BotState = (typeof BOT_STATES)[number];

export const EXECUTION_MODES = ['signal_only', 'semi_auto', 'full_auto'] as const;
export type ExecutionMode = (typeof EXECUTION_MODES)[number];

export const SIZING_MODES = ['star_tiers', 'fixed_dollar', 'pct_portfolio', 'risk_based'] as const;
export type SizingMode = (typeof SIZING_MODES)[number];

export const TRADING_MODES = ['paper', 'live'] as const;
export type TradingModeName = (typeof TRADING_MODES)[number];

/**
 * why the bot is in its state (bot_config.state_reason): a breaker's pause may auto-resume next
 * session, the trader's never; 'win_rate' is the win-rate guard's pause; 'startup' a 'running'
 * restored at boot
 */
export const STATE_REASONS = ['manual', 'breaker_pause', 'breaker_halt', 'daily_loss', 'watchdog', 'kill_switch', 'startup', 'win_rate'] as const;
export type StateReason = (typeof STATE_REASONS)[number];

/** whether an open position gets a sell stop at the broker at its hard-stop level (domain/protective-stop.ts) */
export const BROKER_STOP_MODES = ['hard_stop', 'off'] as const;
export type BrokerStopMode = (typeof BROKER_STOP_MODES)[number];

/** how an entry is sent: a notional market buy, or whole shares in a bracket (take-profit + stop-loss legs) */
export const ENTRY_ORDER_TYPES = ['notional_market', 'bracket'] as const;
export type EntryOrderType = (typeof ENTRY_ORDER_TYPES)[number];

export const BREAKER_LEVELS = ['none', 'warn', 'pause', 'halt'] as const;
export type BreakerLevel = (typeof BREAKER_LEVELS)[number];

/** Everything PATCH /api/bot/config may change (state and mode have their own endpoints). */
export interface BotSettings {
  enabled: boolean;
  executionMode: ExecutionMode;
  positionSizeUsd: Decimal;
  confidenceMultiplierHigh: number;
  confidenceMultiplierMed: number;
  confidenceMultiplierLow: number;
  tradeSizeStars3: Decimal;
  tradeSizeStars4: Decimal;
  tradeSizeStars5: Decimal;
  sizingMode: SizingMode;
  riskPctPerTrade: number;
  maxPerTradeUsd: Decimal;
  /** null = no cap */
  maxConcurrentPositions: number | null;
  maxTradesPerDay: number;
  dailyLossLimitUsd: Decimal;
  maxPortfolioAllocationPct: number;
  maxTotalInvestedPct: number;
  /** the win-rate guard: pause when the latest closed trades win less than this (0–1); null = off */
  minWinRate: number | null;
  /** how many of the current mode's latest closed trades the guard judges (it waits until there are that many) */
  minWinRateLookback: number;
  minConfidence: number;
  hardStopLossPct: number;
  profitTargetPct: number;
  /** null = trailing stop off */
  trailingStopPct: number | null;
  maxHoldDurationSec: number;
  /** HH:MM America/New_York; always on (no toggle) */
  eodForceCloseTime: string;
  enabledCatalystTiers: number[];
  /** empty = every strategy */
  enabledStrategies: string[];
  maxFloatShares: number;
  maxSharePrice: Decimal;
  minRelativeVolume: number;
  circuitBreakerWarnPct: number;
  circuitBreakerPausePct: number;
  circuitBreakerHaltPct: number;
  autoResumeNextDay: boolean;
  /** the trader's own optional cap (the PDT rule was retired in 2026); null = none */
  maxRoundTripsPerDay: number | null;
  approvalTtlMinutes: number;
  /** 'hard_stop': a protective sell stop at the broker for every open position (what protects it
   *  while Keel is down); 'off': Keel's own monitor only */
  brokerStopMode: BrokerStopMode;
  /** catalyst type → its own exit settings, frozen on a trade when its signal fires (domain/exit-plan.ts) */
  exitOverrides: ExitOverrides;
  /** 'bracket': whole shares with take-profit and stop-loss legs at the trade's levels when the
   *  signal's price is known and buys at least one share (else the notional market buy) */
  entryOrderType: EntryOrderType;
  /** a bracket entry as a limit at the signal's price + this percent; null = a market entry */
  entryLimitOffsetPct: number | null;
}

export interface BotConfig extends BotSettings {
  state: BotState;
  mode: TradingModeName;
  /** epoch ms of the last change */
  updatedAt: number;
}

export const DEFAULT_BOT_SETTINGS: Readonly<BotSettings> = Object.freeze({
  enabled: false,
  executionMode: 'signal_only',
  positionSizeUsd: new Decimal(500),
  confidenceMultiplierHigh: 2.0,
  confidenceMultiplierMed: 1.0,
  confidenceMultiplierLow: 0.5,
  tradeSizeStars3: new Decimal(50),
  tradeSizeStars4: new Decimal(75),
  tradeSizeStars5: new Decimal(100),
  sizingMode: 'star_tiers',
  riskPctPerTrade: 1,
  maxPerTradeUsd: new Decimal(500),
  maxConcurrentPositions: 3,
  maxTradesPerDay: 10,
  dailyLossLimitUsd: new Decimal(500),
  maxPortfolioAllocationPct: 10,
  maxTotalInvestedPct: 80,
  minWinRate: 0.5,
  minWinRateLookback: 20,
  minConfidence: 75,
  hardStopLossPct: 7,
  profitTargetPct: 10,
  trailingStopPct: null,
  maxHoldDurationSec: 300,
  eodForceCloseTime: '15:45',
  enabledCatalystTiers: [1, 2, 3, 4],
  enabledStrategies: [],
  maxFloatShares: 20_000_000,
  maxSharePrice: new Decimal(20),
  minRelativeVolume: 5,
  circuitBreakerWarnPct: 3,
  circuitBreakerPausePct: 5,
  circuitBreakerHaltPct: 10,
  autoResumeNextDay: true,
  maxRoundTripsPerDay: null,
  approvalTtlMinutes: 5,
  brokerStopMode: 'hard_stop',
  exitOverrides: {},
  entryOrderType: 'notional_market',
  entryLimitOffsetPct: null,
});
