ALTER TABLE bot_daily_stats DROP COLUMN last_equity, DROP COLUMN max_drawdown_pct, DROP COLUMN daily_loss_tripped;
ALTER TABLE bot_config DROP COLUMN flatten_queued_at, DROP COLUMN state_reason_detail, DROP COLUMN state_reason;
