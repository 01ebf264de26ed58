-- Reverts 0002_signals.sql (development only: it destroys every stored signal).
DROP INDEX IF EXISTS event_journal_subject_idx;
DROP INDEX IF EXISTS bot_trade_created_id_idx;
DROP INDEX IF EXISTS bot_trade_signal_id_idx;
DROP INDEX IF EXISTS bot_trade_exit_order_id_idx;
DROP INDEX IF EXISTS bot_trade_entry_order_id_idx;
DROP TABLE IF EXISTS signal;
