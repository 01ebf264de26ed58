-- Reverts 0001_initial.sql (development only: it destroys every table).
DROP TABLE IF EXISTS reconciliation_run;
DROP TABLE IF EXISTS event_journal;
DROP FUNCTION IF EXISTS event_journal_append_only();
DROP TABLE IF EXISTS bot_daily_stats;
DROP TABLE IF EXISTS bot_trade;
DROP TABLE IF EXISTS bot_config;
