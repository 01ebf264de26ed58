-- an invalidated trade keeps its close; only the reason becomes the generic manual exit
UPDATE bot_trade SET exit_reason = 'manual' WHERE exit_reason = 'signal_invalidated';
ALTER TABLE bot_trade DROP CONSTRAINT bot_trade_exit_reason_check;
ALTER TABLE bot_trade ADD CONSTRAINT bot_trade_exit_reason_check CHECK (exit_reason IN (
  'hard_stop', 'profit_target', 'trailing_stop', 'time_exit', 'force_close_eod', 'kill_switch', 'manual',
  'reconciled_missing_on_startup', 'reconciled_closed_at_broker', 'broker_stop'));
ALTER TABLE bot_trade DROP COLUMN target_order_id, DROP COLUMN exit_plan;
ALTER TABLE bot_config DROP COLUMN entry_limit_offset_pct, DROP COLUMN entry_order_type, DROP COLUMN exit_overrides;
