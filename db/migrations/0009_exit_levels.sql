-- The levels a trade exits at, whole-share bracket entries, and the signal invalidation. FROZEN once
-- landed: change it with a new migration.
-- Invariants kept by the database itself:
--   * exit_overrides maps a catalyst type to its own exit settings (any of hardStopLossPct,
--     profitTargetPct, trailingStopPct, maxHoldSec), an object ({} = none); the API validates its values;
--   * a trade's exit_plan is how its levels were resolved when its signal fired (the signal's own
--     stop / target, the catalyst override's values then, and each level's source): written with
--     the trade, NULL for trades from before this migration (every level from the settings);
--   * entry_order_type says how an entry is sent: 'notional_market' (a notional market buy, the
--     default) or 'bracket' (whole shares with a take-profit limit and a stop-loss stop leg at the
--     trade's levels, when the signal's price is known and buys at least one share);
--     entry_limit_offset_pct NULL = a market entry, else a limit at the signal's price + that percent;
--   * target_order_id is a bracket's take-profit leg (its stop leg is the trade's protective stop);
--   * a trade exited because its signal was invalidated has exit reason 'signal_invalidated'.

ALTER TABLE bot_config
  ADD COLUMN exit_overrides jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(exit_overrides) = 'object'),
  ADD COLUMN entry_order_type text NOT NULL DEFAULT 'notional_market' CHECK (entry_order_type IN ('notional_market', 'bracket')),
  ADD COLUMN entry_limit_offset_pct numeric CHECK (entry_limit_offset_pct >= 0);

ALTER TABLE bot_trade
  ADD COLUMN exit_plan jsonb CHECK (exit_plan IS NULL OR jsonb_typeof(exit_plan) = 'object'),
  ADD COLUMN target_order_id text;

ALTER TABLE bot_trade DROP CONSTRAINT bot_trade_exit_reason_check;
ALTER TABLE bot_trade ADD CONSTRAINT bot_trade_exit_reason_check CHECK (exit_reason IN (
  'hard_stop', 'profit_target', 'trailing_stop', 'time_exit', 'force_close_eod', 'kill_switch', 'manual',
  'reconciled_missing_on_startup', 'reconciled_closed_at_broker', 'broker_stop', 'signal_invalidated'));
