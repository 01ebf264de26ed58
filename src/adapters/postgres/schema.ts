/**
 * Kysely table types for db/migrations/0001 to 0009. How values arrive from pg (see db.ts):
 * numeric and bigint as exact strings, timestamptz as Date, date as 'YYYY-MM-DD', jsonb parsed,
 * int[] / text[] as arrays. Timestamps are written as SQL expressions built from epoch ms
 * (sql-time.ts), so their insert/update type is Date (the expression's type).
 */
import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

type Numeric = ColumnType<string, string | number, string | number>;
type NullableNumeric = ColumnType<string | null, string | number | null, string | number | null>;
type Timestamp = ColumnType<Date, Date, Date>;
type NullableTimestamp = ColumnType<Date | null, Date | null, Date | null>;
/** a column the migration gives a default: optional on insert */
type Defaulted<T> = ColumnType<T, T | undefined, T>;
type DefaultedNumeric = ColumnType<string, string | number | undefined, string | number>;
type DefaultedNullableNumeric = ColumnType<string | null, string | number | null | undefined, string | number | null>;

export interface BotConfigTable {
  id: Defaulted<number>;
  state: Defaulted<string>;
  mode: Defaulted<string>;
  enabled: Defaulted<boolean>;
  execution_mode: Defaulted<string>;
  position_size_usd: DefaultedNumeric;
  confidence_multiplier_high: DefaultedNumeric;
  confidence_multiplier_med: DefaultedNumeric;
  confidence_multiplier_low: DefaultedNumeric;
  trade_size_stars3: DefaultedNumeric;
  trade_size_stars4: DefaultedNumeric;
  trade_size_stars5: DefaultedNumeric;
  sizing_mode: Defaulted<string>;
  risk_pct_per_trade: DefaultedNumeric;
  max_per_trade_usd: DefaultedNumeric;
  max_concurrent_positions: Defaulted<number | null>;
  max_trades_per_day: Defaulted<number>;
  daily_loss_limit_usd: DefaultedNumeric;
  max_portfolio_allocation_pct: DefaultedNumeric;
  max_total_invested_pct: DefaultedNumeric;
  /** null = the win-rate guard is off (0006) */
  min_win_rate: DefaultedNullableNumeric;
  /** how many of the mode's latest closed trades the guard judges (0006) */
  min_win_rate_lookback: Defaulted<number>;
  min_confidence: DefaultedNumeric;
  hard_stop_loss_pct: DefaultedNumeric;
  profit_target_pct: DefaultedNumeric;
  trailing_stop_pct: DefaultedNullableNumeric;
  max_hold_duration_sec: Defaulted<number>;
  eod_force_close_time: Defaulted<string>;
  enabled_catalyst_tiers: Defaulted<number[]>;
  enabled_strategies: Defaulted<string[]>;
  /** bigint: pg returns int8 as a string */
  max_float_shares: DefaultedNumeric;
  max_share_price: DefaultedNumeric;
  min_relative_volume: DefaultedNumeric;
  circuit_breaker_warn_pct: DefaultedNumeric;
  circuit_breaker_pause_pct: DefaultedNumeric;
  circuit_breaker_halt_pct: DefaultedNumeric;
  auto_resume_next_day: Defaulted<boolean>;
  max_round_trips_per_day: Defaulted<number | null>;
  /** why the bot is in its state (0003, 0006): manual | breaker_pause | breaker_halt | daily_loss | watchdog | kill_switch | startup | win_rate */
  state_reason: Defaulted<string | null>;
  state_reason_detail: Defaulted<string | null>;
  flatten_queued_at: Defaulted<Date | null>;
  /** when the current state was entered (0006); null = unknown (a row older than 0006 with no journaled transition) */
  state_since: Defaulted<Date | null>;
  /** the win-rate guard counts only trades closed at or after this (a resume sets it, 0006); null = every trade */
  win_rate_window_start: Defaulted<Date | null>;
  approval_ttl_minutes: Defaulted<number>;
  /** 'hard_stop' | 'off' (0008) */
  broker_stop_mode: Defaulted<string>;
  /** catalyst type → its exit settings (0009) */
  exit_overrides: Defaulted<unknown>;
  /** 'notional_market' | 'bracket' (0009) */
  entry_order_type: Defaulted<string>;
  /** null = a market entry (0009) */
  entry_limit_offset_pct: DefaultedNullableNumeric;
  updated_at: Timestamp;
}

export interface BotTradeTable {
  id: Generated<string>;
  symbol: string;
  side: string;
  status: string;
  entry_price: NullableNumeric;
  exit_price: NullableNumeric;
  shares: NullableNumeric;
  notional: NullableNumeric;
  pnl: NullableNumeric;
  pnl_pct: NullableNumeric;
  fees: NullableNumeric;
  catalyst_type: string | null;
  catalyst_tier: number | null;
  stars: number | null;
  strategy: string | null;
  signal_id: string | null;
  entry_client_order_id: string | null;
  entry_order_id: string | null;
  exit_client_order_id: string | null;
  exit_order_id: string | null;
  exit_reason: string | null;
  peak_price: NullableNumeric;
  notes: string | null;
  /** the protective stop at the broker (0008) */
  stop_client_order_id: Defaulted<string | null>;
  stop_order_id: Defaulted<string | null>;
  stop_price: DefaultedNullableNumeric;
  stop_qty: DefaultedNullableNumeric;
  stop_note: Defaulted<string | null>;
  /** how the exit levels were resolved at entry (0009); null before */
  exit_plan: Defaulted<unknown>;
  /** a bracket's take-profit leg (0009) */
  target_order_id: Defaulted<string | null>;
  entry_at: NullableTimestamp;
  exit_at: NullableTimestamp;
  /** 'paper' | 'live'; omitted on insert = bot_config's mode at that instant (trigger, 0005) */
  mode: ColumnType<string, string | undefined, never>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BotDailyStatsTable {
  /** 'YYYY-MM-DD' (db.ts keeps pg from turning it into a local-time Date) */
  date: string;
  realized_pnl: DefaultedNumeric;
  trade_count: Defaulted<number>;
  round_trip_count: Defaulted<number>;
  session_start_equity: DefaultedNullableNumeric;
  breaker_level: Defaulted<string>;
  daily_loss_tripped: Defaulted<boolean>;
  max_drawdown_pct: DefaultedNullableNumeric;
  last_equity: DefaultedNullableNumeric;
  updated_at: Timestamp;
}

export interface EventJournalTable {
  /** bigserial: pg returns int8 as a string */
  id: ColumnType<string, never, never>;
  at: Timestamp;
  kind: string;
  cause: string;
  subject: string | null;
  message: string;
  data: ColumnType<Record<string, unknown>, string, never>;
}

export interface ReconciliationRunTable {
  id: ColumnType<string, never, never>;
  started_at: Timestamp;
  finished_at: Timestamp;
  ok: boolean;
  error: string | null;
  report: ColumnType<Record<string, unknown>, string, string>;
}

/** jsonb written as a JSON string (the mapper stringifies, so decimals are exact strings), read parsed */
type Jsonb<T> = ColumnType<T, string, string>;
type NullableJsonb<T> = ColumnType<T | null, string | null, string | null>;

export interface SignalTable {
  id: string;
  received_at: Timestamp;
  symbol: string;
  input: Jsonb<Record<string, unknown>>;
  execution_mode: string;
  stars: number | null;
  status: string;
  denial: NullableJsonb<Record<string, unknown>>;
  verdicts: Jsonb<unknown[]>;
  size: NullableJsonb<Record<string, unknown>>;
  trade_id: string | null;
  expires_at: NullableTimestamp;
  decided_at: NullableTimestamp;
  note: string | null;
}

/** mark-to-market rows per mode (0005): 'minute' while the market is open, one 'close' per session date */
export interface EquitySnapshotTable {
  mode: string;
  at: Timestamp;
  kind: string;
  /** 'YYYY-MM-DD', New York trading date */
  session_date: string;
  equity: Numeric;
  cash: Numeric;
  long_market_value: Numeric;
  unrealized_pnl: Numeric;
  realized_pnl_today: Numeric;
  open_positions: number;
}

export interface Database {
  bot_config: BotConfigTable;
  bot_trade: BotTradeTable;
  bot_daily_stats: BotDailyStatsTable;
  event_journal: EventJournalTable;
  reconciliation_run: ReconciliationRunTable;
  signal: SignalTable;
  equity_snapshot: EquitySnapshotTable;
}

export type Db = Kysely<Database>;
export type DbOrTrx = Kysely<Database> | Transaction<Database>;
