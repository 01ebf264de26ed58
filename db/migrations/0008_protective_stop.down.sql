-- a trade closed by its broker-side stop keeps its close; only the reason becomes the generic one
UPDATE bot_trade SET exit_reason = 'reconciled_closed_at_broker' WHERE exit_reason = 'broker_stop';
ALTER TABLE bot_trade DROP CONSTRAINT bot_trade_exit_reason_check;
ALTER TABLE bot_trade ADD CONSTRAINT bot_trade_exit_reason_check CHECK (exit_reason IN (
  'hard_stop', 'profit_target', 'trailing_stop', 'time_exit', 'force_close_eod', 'kill_switch', 'manual',
  'reconciled_missing_on_startup', 'reconciled_closed_at_broker'));
DROP INDEX bot_trade_stop_client_order_id_key;
ALTER TABLE bot_trade
  DROP COLUMN stop_note,
  DROP COLUMN stop_qty,
  DROP COLUMN stop_price,
  DROP COLUMN stop_order_id,
  DROP COLUMN stop_client_order_id;
ALTER TABLE bot_config DROP COLUMN broker_stop_mode;
