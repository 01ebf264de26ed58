DROP TRIGGER equity_day_after_truncate ON equity_snapshot;
DROP FUNCTION equity_day_truncated();
DROP TRIGGER equity_day_after_delete ON equity_snapshot;
DROP TRIGGER equity_day_after_update ON equity_snapshot;
DROP TRIGGER equity_day_after_insert ON equity_snapshot;
DROP FUNCTION equity_day_refresh();
DROP FUNCTION equity_day_rebuild(text, date);
DROP TABLE equity_day;
DROP INDEX equity_snapshot_day_idx;
