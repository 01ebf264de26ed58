/**
 * bot_config row ↔ BotConfig. Money columns are numeric read as exact strings → Decimal, written
 * with toFixed() (never exponent notation); plain-number settings are numeric/integer columns.
 * The database CHECKs reject values outside the domain's enums; we trust them on the way in.
 */
import type { Selectable, Updateable } from 'kysely';
import type { BotConfig, BotSettings, BotState, BrokerStopMode, EntryOrderType, ExecutionMode, SizingMode, TradingModeName } from '../../domain/bot-config.js';
import type { ExitOverrides } from '../../domain/exit-plan.js';
import { Decimal } from '../../domain/money.js';
import type { BotConfigTable } from './schema.js';
import { toMs } from './sql-time.js';

type Row = Selectable<BotConfigTable>;
type RowPatch = Omit<Updateable<BotConfigTable>, 'updated_at'>;

const num = (v: string | number): number => Number(v);
const numOrNull = (v: string | number | null): number | null => (v === null ? null : Number(v));

export function botConfigFromRow(row: Row): BotConfig {
  return {
    state: row.state as BotState,
    mode: row.mode as TradingModeName,
    updatedAt: toMs(row.updated_at),
    enabled: row.enabled,
    executionMode: row.execution_mode as ExecutionMode,
    positionSizeUsd: new Decimal(row.position_size_usd),
    confidenceMultiplierHigh: num(row.confidence_multiplier_high),
    confidenceMultiplierMed: num(row.confidence_multiplier_med),
    confidenceMultiplierLow: num(row.confidence_multiplier_low),
    tradeSizeStars3: new Decimal(row.trade_size_stars3),
    tradeSizeStars4: new Decimal(row.trade_size_stars4),
    tradeSizeStars5: new Decimal(row.trade_size_stars5),
    sizingMode: row.sizing_mode as SizingMode,
    riskPctPerTrade: num(row.risk_pct_per_trade),
    maxPerTradeUsd: new Decimal(row.max_per_trade_usd),
    maxConcurrentPositions: row.max_concurrent_positions,
    maxTradesPerDay: row.max_trades_per_day,
    dailyLossLimitUsd: new Decimal(row.daily_loss_limit_usd),
    maxPortfolioAllocationPct: num(row.max_portfolio_allocation_pct),
    maxTotalInvestedPct: num(row.max_total_invested_pct),
    minWinRate: numOrNull(row.min_win_rate),
    minWinRateLookback: row.min_win_rate_lookback,
    minConfidence: num(row.min_confidence),
    hardStopLossPct: num(row.hard_stop_loss_pct),
    profitTargetPct: num(row.profit_target_pct),
    trailingStopPct: numOrNull(row.trailing_stop_pct),
    maxHoldDurationSec: row.max_hold_duration_sec,
    eodForceCloseTime: row.eod_force_close_time,
    enabledCatalystTiers: [...row.enabled_catalyst_tiers],
    enabledStrategies: [...row.enabled_strategies],
    maxFloatShares: num(row.max_float_shares),
    maxSharePrice: new Decimal(row.max_share_price),
    minRelativeVolume: num(row.min_relative_volume),
    circuitBreakerWarnPct: num(row.circuit_breaker_warn_pct),
    circuitBreakerPausePct: num(row.circuit_breaker_pause_pct),
    circuitBreakerHaltPct: num(row.circuit_breaker_halt_pct),
    autoResumeNextDay: row.auto_resume_next_day,
    maxRoundTripsPerDay: row.max_round_trips_per_day,
    approvalTtlMinutes: row.approval_ttl_minutes,
    brokerStopMode: row.broker_stop_mode as BrokerStopMode,
    exitOverrides: (row.exit_overrides ?? {}) as ExitOverrides,
    entryOrderType: row.entry_order_type as EntryOrderType,
    entryLimitOffsetPct: numOrNull(row.entry_limit_offset_pct),
  };
}

/** setting → column, and how its value is written */
const COLUMNS: { [K in keyof BotSettings]-?: [keyof RowPatch, (v: BotSettings[K]) => unknown] } = {
  enabled: ['enabled', (v) => v],
  executionMode: ['execution_mode', (v) => v],
  positionSizeUsd: ['position_size_usd', (v) => v.toFixed()],
  confidenceMultiplierHigh: ['confidence_multiplier_high', (v) => v],
  confidenceMultiplierMed: ['confidence_multiplier_med', (v) => v],
  confidenceMultiplierLow: ['confidence_multiplier_low', (v) => v],
  tradeSizeStars3: ['trade_size_stars3', (v) => v.toFixed()],
  tradeSizeStars4: ['trade_size_stars4', (v) => v.toFixed()],
  tradeSizeStars5: ['trade_size_stars5', (v) => v.toFixed()],
  sizingMode: ['sizing_mode', (v) => v],
  riskPctPerTrade: ['risk_pct_per_trade', (v) => v],
  maxPerTradeUsd: ['max_per_trade_usd', (v) => v.toFixed()],
  maxConcurrentPositions: ['max_concurrent_positions', (v) => v],
  maxTradesPerDay: ['max_trades_per_day', (v) => v],
  dailyLossLimitUsd: ['daily_loss_limit_usd', (v) => v.toFixed()],
  maxPortfolioAllocationPct: ['max_portfolio_allocation_pct', (v) => v],
  maxTotalInvestedPct: ['max_total_invested_pct', (v) => v],
  minWinRate: ['min_win_rate', (v) => v],
  minWinRateLookback: ['min_win_rate_lookback', (v) => v],
  minConfidence: ['min_confidence', (v) => v],
  hardStopLossPct: ['hard_stop_loss_pct', (v) => v],
  profitTargetPct: ['profit_target_pct', (v) => v],
  trailingStopPct: ['trailing_stop_pct', (v) => v],
  maxHoldDurationSec: ['max_hold_duration_sec', (v) => v],
  eodForceCloseTime: ['eod_force_close_time', (v) => v],
  // copies: pg serialises JS arrays as PostgreSQL arrays
  enabledCatalystTiers: ['enabled_catalyst_tiers', (v) => [...v]],
  enabledStrategies: ['enabled_strategies', (v) => [...v]],
  maxFloatShares: ['max_float_shares', (v) => v],
  maxSharePrice: ['max_share_price', (v) => v.toFixed()],
  minRelativeVolume: ['min_relative_volume', (v) => v],
  circuitBreakerWarnPct: ['circuit_breaker_warn_pct', (v) => v],
  circuitBreakerPausePct: ['circuit_breaker_pause_pct', (v) => v],
  circuitBreakerHaltPct: ['circuit_breaker_halt_pct', (v) => v],
  autoResumeNextDay: ['auto_resume_next_day', (v) => v],
  maxRoundTripsPerDay: ['max_round_trips_per_day', (v) => v],
  approvalTtlMinutes: ['approval_ttl_minutes', (v) => v],
  brokerStopMode: ['broker_stop_mode', (v) => v],
  exitOverrides: ['exit_overrides', (v) => JSON.stringify(v)],
  entryOrderType: ['entry_order_type', (v) => v],
  entryLimitOffsetPct: ['entry_limit_offset_pct', (v) => v],
};

/** only the keys present in `patch` (unknown keys are ignored: validation happens at the edge) */
export function botSettingsToRow(patch: Partial<BotSettings>): RowPatch {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    const column = COLUMNS[key as keyof BotSettings] as [string, (v: unknown) => unknown] | undefined;
    if (column && value !== undefined) row[column[0]] = column[1](value);
  }
  return row as RowPatch;
}
