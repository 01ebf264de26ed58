-- The win-rate guard and why the bot is in its state. FROZEN once landed: change it with a new migration.
-- Invariants kept by the database itself:
--   * min_win_rate NULL turns the win-rate guard off; min_win_rate_lookback is how many of the
--     current mode's latest closed trades it judges;
--   * win_rate_window_start is where the guard's window begins: a resume moves it to that instant,
--     so only trades closed after the resume count, and a restart keeps it (NULL = every trade);
--   * the state's reason may be the guard's ('win_rate'); state_since is when the current state was
--     entered, written WITH the state (rows from before this migration take their last
--     state_transition journal entry, else stay NULL: unknown);
--   * timestamps come from the injected Clock (no now() defaults), as in 0001.

ALTER TABLE bot_config
  ALTER COLUMN min_win_rate DROP NOT NULL,
  ADD CONSTRAINT bot_config_min_win_rate_max CHECK (min_win_rate <= 1),
  ADD COLUMN min_win_rate_lookback integer NOT NULL DEFAULT 20 CHECK (min_win_rate_lookback BETWEEN 5 AND 500),
  ADD COLUMN win_rate_window_start timestamptz,
  ADD COLUMN state_since timestamptz;

ALTER TABLE bot_config DROP CONSTRAINT bot_config_state_reason_check;
ALTER TABLE bot_config ADD CONSTRAINT bot_config_state_reason_check
  CHECK (state_reason IN ('manual', 'breaker_pause', 'breaker_halt', 'daily_loss', 'watchdog', 'kill_switch', 'startup', 'win_rate'));

UPDATE bot_config SET state_since = (SELECT max(at) FROM event_journal WHERE kind = 'state_transition');
