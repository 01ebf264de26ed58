UPDATE bot_config SET state_reason = 'manual' WHERE state_reason = 'win_rate';
ALTER TABLE bot_config DROP CONSTRAINT bot_config_state_reason_check;
ALTER TABLE bot_config ADD CONSTRAINT bot_config_state_reason_check
  CHECK (state_reason IN ('manual', 'breaker_pause', 'breaker_halt', 'daily_loss', 'watchdog', 'kill_switch', 'startup'));
-- a guard that was off becomes a minimum of 0, which never judges a trade
UPDATE bot_config SET min_win_rate = 0 WHERE min_win_rate IS NULL;
ALTER TABLE bot_config
  DROP COLUMN state_since,
  DROP COLUMN win_rate_window_start,
  DROP COLUMN min_win_rate_lookback,
  DROP CONSTRAINT bot_config_min_win_rate_max,
  ALTER COLUMN min_win_rate SET NOT NULL;
