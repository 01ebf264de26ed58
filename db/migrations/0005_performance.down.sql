DROP TABLE equity_snapshot;
DROP INDEX bot_trade_closed_mode_exit_idx;
DROP TRIGGER bot_trade_mode_default ON bot_trade;
DROP FUNCTION bot_trade_mode_default();
ALTER TABLE bot_trade DROP COLUMN mode;
