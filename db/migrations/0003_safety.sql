-- The safety layer. FROZEN once landed: change it with a new migration.
-- Invariants kept by the database itself:
--   * why the bot is paused or halted is persisted WITH the state, so a restart knows whether a
--     pause was the breaker's (auto-resumable next session) or the trader's (never auto-resumed);
--   * a day's breaker level, daily-loss trip and worst drawdown live in that day's bot_daily_stats
--     row, so a restart never resets them;
--   * a kill switch that could not flatten outside market hours leaves a queued flatten here, and
--     the session open carries it out.
-- Timestamps come from the injected Clock (no now() defaults), as in 0001.

ALTER TABLE bot_config
  ADD COLUMN state_reason text
    CHECK (state_reason IN ('manual', 'breaker_pause', 'breaker_halt', 'daily_loss', 'watchdog', 'kill_switch', 'startup')),
  ADD COLUMN state_reason_detail text,
  ADD COLUMN flatten_queued_at timestamptz;

ALTER TABLE bot_daily_stats
  ADD COLUMN daily_loss_tripped boolean NOT NULL DEFAULT false,
  ADD COLUMN max_drawdown_pct numeric,
  ADD COLUMN last_equity numeric;
