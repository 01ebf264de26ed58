-- The broker-side protective stop. FROZEN once landed: change it with a new migration.
-- Invariants kept by the database itself:
--   * broker_stop_mode says whether an open position gets a sell stop at the broker at its hard-stop
--     level ('hard_stop', the default) or none ('off'): Keel's own monitor stays the primary exit;
--   * a trade's protective stop is named by stop_client_order_id, written BEFORE the order is sent
--     (so a crash between the POST and the next write loses no order), and stop_order_id once the
--     broker accepted it; stop_price / stop_qty are what that order asks for; stop_note says what
--     the stop does not cover (a fractional remainder the broker refused to stop), NULL when nothing;
--   * a stop's client order id is unique across trades, like the entry and exit ids;
--   * a trade closed by its broker-side stop has exit reason 'broker_stop'.

ALTER TABLE bot_config
  ADD COLUMN broker_stop_mode text NOT NULL DEFAULT 'hard_stop' CHECK (broker_stop_mode IN ('hard_stop', 'off'));

ALTER TABLE bot_trade
  ADD COLUMN stop_client_order_id text,
  ADD COLUMN stop_order_id text,
  ADD COLUMN stop_price numeric CHECK (stop_price > 0),
  ADD COLUMN stop_qty numeric CHECK (stop_qty > 0),
  ADD COLUMN stop_note text;
CREATE UNIQUE INDEX bot_trade_stop_client_order_id_key ON bot_trade (stop_client_order_id)
  WHERE stop_client_order_id IS NOT NULL;

ALTER TABLE bot_trade DROP CONSTRAINT bot_trade_exit_reason_check;
ALTER TABLE bot_trade ADD CONSTRAINT bot_trade_exit_reason_check CHECK (exit_reason IN (
  'hard_stop', 'profit_target', 'trailing_stop', 'time_exit', 'force_close_eod', 'kill_switch', 'manual',
  'reconciled_missing_on_startup', 'reconciled_closed_at_broker', 'broker_stop'));
