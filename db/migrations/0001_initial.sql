-- Keel's initial schema. FROZEN once landed: change the schema with a new migration.
-- Invariants kept by the database itself:
--   * bot_config holds at most one row (id = 1); its column defaults ARE the default settings
--     (src/domain/bot-config.ts DEFAULT_BOT_SETTINGS; a test compares them).
--   * money, shares and prices are numeric (exact); percentages and counts are numeric/integer.
--   * event_journal is append-only: any UPDATE or DELETE raises (TRUNCATE stays possible for tests).
--   * an entry/exit client order id belongs to at most one trade.
-- No column defaults to now(): timestamps are written from the injected Clock so replays are
-- deterministic (docs/design.md §10).

CREATE TABLE bot_config (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  state text NOT NULL DEFAULT 'stopped' CHECK (state IN ('stopped', 'running', 'paused', 'halted')),
  mode text NOT NULL DEFAULT 'paper' CHECK (mode IN ('paper', 'live')),
  enabled boolean NOT NULL DEFAULT false,
  execution_mode text NOT NULL DEFAULT 'signal_only'
    CHECK (execution_mode IN ('signal_only', 'semi_auto', 'full_auto')),
  position_size_usd numeric NOT NULL DEFAULT 500 CHECK (position_size_usd >= 0),
  confidence_multiplier_high numeric NOT NULL DEFAULT 2.0 CHECK (confidence_multiplier_high >= 0),
  confidence_multiplier_med numeric NOT NULL DEFAULT 1.0 CHECK (confidence_multiplier_med >= 0),
  confidence_multiplier_low numeric NOT NULL DEFAULT 0.5 CHECK (confidence_multiplier_low >= 0),
  trade_size_stars3 numeric NOT NULL DEFAULT 50 CHECK (trade_size_stars3 >= 0),
  trade_size_stars4 numeric NOT NULL DEFAULT 75 CHECK (trade_size_stars4 >= 0),
  trade_size_stars5 numeric NOT NULL DEFAULT 100 CHECK (trade_size_stars5 >= 0),
  sizing_mode text NOT NULL DEFAULT 'star_tiers'
    CHECK (sizing_mode IN ('star_tiers', 'fixed_dollar', 'pct_portfolio', 'risk_based')),
  risk_pct_per_trade numeric NOT NULL DEFAULT 1 CHECK (risk_pct_per_trade >= 0),
  max_per_trade_usd numeric NOT NULL DEFAULT 500 CHECK (max_per_trade_usd >= 0),
  max_concurrent_positions integer DEFAULT 3 CHECK (max_concurrent_positions >= 0),
  max_trades_per_day integer NOT NULL DEFAULT 10 CHECK (max_trades_per_day >= 0),
  daily_loss_limit_usd numeric NOT NULL DEFAULT 500 CHECK (daily_loss_limit_usd >= 0),
  max_portfolio_allocation_pct numeric NOT NULL DEFAULT 10 CHECK (max_portfolio_allocation_pct >= 0),
  max_total_invested_pct numeric NOT NULL DEFAULT 80 CHECK (max_total_invested_pct >= 0),
  min_win_rate numeric NOT NULL DEFAULT 0.5 CHECK (min_win_rate >= 0),
  min_confidence numeric NOT NULL DEFAULT 75 CHECK (min_confidence >= 0),
  hard_stop_loss_pct numeric NOT NULL DEFAULT 7 CHECK (hard_stop_loss_pct >= 0),
  profit_target_pct numeric NOT NULL DEFAULT 10 CHECK (profit_target_pct >= 0),
  trailing_stop_pct numeric DEFAULT NULL CHECK (trailing_stop_pct >= 0),
  max_hold_duration_sec integer NOT NULL DEFAULT 300 CHECK (max_hold_duration_sec >= 0),
  eod_force_close_time text NOT NULL DEFAULT '15:45'
    CHECK (eod_force_close_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  enabled_catalyst_tiers integer[] NOT NULL DEFAULT '{1,2,3,4}',
  enabled_strategies text[] NOT NULL DEFAULT '{}',
  max_float_shares bigint NOT NULL DEFAULT 20000000 CHECK (max_float_shares >= 0),
  max_share_price numeric NOT NULL DEFAULT 20 CHECK (max_share_price >= 0),
  min_relative_volume numeric NOT NULL DEFAULT 5 CHECK (min_relative_volume >= 0),
  circuit_breaker_warn_pct numeric NOT NULL DEFAULT 3 CHECK (circuit_breaker_warn_pct >= 0),
  circuit_breaker_pause_pct numeric NOT NULL DEFAULT 5 CHECK (circuit_breaker_pause_pct >= 0),
  circuit_breaker_halt_pct numeric NOT NULL DEFAULT 10 CHECK (circuit_breaker_halt_pct >= 0),
  auto_resume_next_day boolean NOT NULL DEFAULT true,
  max_round_trips_per_day integer DEFAULT NULL CHECK (max_round_trips_per_day >= 0),
  approval_ttl_minutes integer NOT NULL DEFAULT 5 CHECK (approval_ttl_minutes >= 0),
  updated_at timestamptz NOT NULL
);

CREATE TABLE bot_trade (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  symbol text NOT NULL CHECK (symbol <> ''),
  side text NOT NULL CHECK (side IN ('buy', 'sell')),
  status text NOT NULL
    CHECK (status IN ('pending_entry', 'open', 'exiting', 'closed', 'cancelled', 'missed')),
  entry_price numeric,
  exit_price numeric,
  shares numeric,
  notional numeric,
  pnl numeric,
  pnl_pct numeric,
  fees numeric,
  catalyst_type text,
  catalyst_tier integer,
  stars integer,
  strategy text,
  signal_id text,
  entry_client_order_id text,
  entry_order_id text,
  exit_client_order_id text,
  exit_order_id text,
  exit_reason text CHECK (exit_reason IN (
    'hard_stop', 'profit_target', 'trailing_stop', 'time_exit', 'force_close_eod', 'kill_switch', 'manual',
    'reconciled_missing_on_startup', 'reconciled_closed_at_broker')),
  peak_price numeric,
  notes text,
  entry_at timestamptz,
  exit_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX bot_trade_status_idx ON bot_trade (status);
CREATE INDEX bot_trade_symbol_idx ON bot_trade (symbol);
CREATE INDEX bot_trade_created_at_idx ON bot_trade (created_at);
-- client order ids are written before the POST (practice 11); a duplicate means a double submit
CREATE UNIQUE INDEX bot_trade_entry_client_order_id_key ON bot_trade (entry_client_order_id)
  WHERE entry_client_order_id IS NOT NULL;
CREATE UNIQUE INDEX bot_trade_exit_client_order_id_key ON bot_trade (exit_client_order_id)
  WHERE exit_client_order_id IS NOT NULL;

CREATE TABLE bot_daily_stats (
  date date PRIMARY KEY,
  realized_pnl numeric NOT NULL DEFAULT 0,
  trade_count integer NOT NULL DEFAULT 0 CHECK (trade_count >= 0),
  round_trip_count integer NOT NULL DEFAULT 0 CHECK (round_trip_count >= 0),
  session_start_equity numeric,
  breaker_level text NOT NULL DEFAULT 'none' CHECK (breaker_level IN ('none', 'warn', 'pause', 'halt')),
  updated_at timestamptz NOT NULL
);

CREATE TABLE event_journal (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind <> ''),
  cause text NOT NULL,
  subject text,
  message text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX event_journal_at_idx ON event_journal (at);
CREATE INDEX event_journal_kind_idx ON event_journal (kind, id);

-- Statement-level, so even an UPDATE/DELETE that matches no row is refused: the audit trail an
-- operator reads after an incident must not be editable by a bug.
CREATE FUNCTION event_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'event_journal is append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER event_journal_append_only
  BEFORE UPDATE OR DELETE ON event_journal
  FOR EACH STATEMENT EXECUTE FUNCTION event_journal_append_only();

CREATE TABLE reconciliation_run (
  id bigserial PRIMARY KEY,
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  ok boolean NOT NULL,
  error text,
  report jsonb NOT NULL
);
CREATE INDEX reconciliation_run_finished_at_idx ON reconciliation_run (finished_at);
