-- Performance analytics. FROZEN once landed: change it with a new migration.
-- Invariants kept by the database itself:
--   * every trade records the trading mode it was made in, so statistics never mix paper and live:
--     a trade inserted without a mode takes bot_config's mode at that instant (the mode can only
--     change while the bot is stopped with no open position, so this is the mode of its entry);
--     rows written before this migration take the mode configured when it ran;
--   * equity_snapshot holds mark-to-market rows per mode: one a minute while the market is open and
--     the bot is running or paused ('minute'), and the day's closing row after each session close
--     ('close', at most one per mode and session date);
--   * money is numeric; timestamps come from the injected Clock (no now() defaults), as in 0001.

ALTER TABLE bot_trade ADD COLUMN mode text CHECK (mode IN ('paper', 'live'));
UPDATE bot_trade SET mode = coalesce((SELECT mode FROM bot_config WHERE id = 1), 'paper');
ALTER TABLE bot_trade ALTER COLUMN mode SET NOT NULL;

CREATE FUNCTION bot_trade_mode_default() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.mode IS NULL THEN
    NEW.mode := coalesce((SELECT mode FROM bot_config WHERE id = 1), 'paper');
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER bot_trade_mode_default
  BEFORE INSERT ON bot_trade
  FOR EACH ROW EXECUTE FUNCTION bot_trade_mode_default();

-- the analytics read closed trades of one mode by exit time: in exit order (the streaks), and
-- covering every column they aggregate, so a year of trades is read from the index alone
CREATE INDEX bot_trade_closed_mode_exit_idx ON bot_trade (mode, exit_at, id)
  INCLUDE (pnl, entry_at, symbol, strategy, catalyst_type, catalyst_tier, stars, exit_reason)
  WHERE status = 'closed';

CREATE TABLE equity_snapshot (
  mode text NOT NULL CHECK (mode IN ('paper', 'live')),
  at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN ('minute', 'close')),
  -- the New York trading date the row belongs to
  session_date date NOT NULL,
  equity numeric NOT NULL,
  cash numeric NOT NULL,
  long_market_value numeric NOT NULL,
  -- of Keel's open positions, at their last prices
  unrealized_pnl numeric NOT NULL,
  realized_pnl_today numeric NOT NULL,
  open_positions integer NOT NULL CHECK (open_positions >= 0),
  PRIMARY KEY (mode, at)
);
CREATE UNIQUE INDEX equity_snapshot_close_key ON equity_snapshot (mode, session_date) WHERE kind = 'close';
