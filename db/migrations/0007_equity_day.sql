-- A per-day rollup of equity_snapshot, so the performance figures over a long range read one row per
-- trading day instead of every minute row. FROZEN once landed: change it with a new migration.
-- Invariants kept by the database itself:
--   * equity_day holds, for every (mode, session_date) with at least one equity_snapshot row, exactly
--     the summary of that day's rows: their count; the first, last, lowest and highest row (equal
--     equities: the earliest), each with its time, equity and realized P&L; the equity of the 'close'
--     row (null without one); the day's own largest fall from its running peak in dollars and as a
--     fraction of that peak (0 when the peak was never positive);
--   * statement-level triggers recompute every day a statement touched (insert, update or delete) from
--     that day's rows, in the same statement, so no writer can leave the rollup stale and rows may
--     arrive in any order;
--   * (mode, session_date, at) indexes equity_snapshot, so a day's rows are read in time order without
--     a sort (the recomputation, and the short ranges that still read minute rows).

CREATE INDEX equity_snapshot_day_idx ON equity_snapshot (mode, session_date, at);

CREATE TABLE equity_day (
  mode text NOT NULL,
  session_date date NOT NULL,
  row_count integer NOT NULL CHECK (row_count > 0),
  first_at timestamptz NOT NULL,
  first_equity numeric NOT NULL,
  first_realized numeric NOT NULL,
  last_at timestamptz NOT NULL,
  last_equity numeric NOT NULL,
  last_realized numeric NOT NULL,
  low_at timestamptz NOT NULL,
  low_equity numeric NOT NULL,
  low_realized numeric NOT NULL,
  high_at timestamptz NOT NULL,
  high_equity numeric NOT NULL,
  high_realized numeric NOT NULL,
  close_equity numeric,
  drawdown_usd numeric NOT NULL,
  drawdown_fraction numeric NOT NULL,
  PRIMARY KEY (mode, session_date)
);

-- the summary of one day, from its rows
CREATE FUNCTION equity_day_rebuild(p_mode text, p_date date) RETURNS void LANGUAGE sql AS $$
  DELETE FROM equity_day WHERE mode = p_mode AND session_date = p_date;
  INSERT INTO equity_day
  SELECT p_mode, p_date, agg.n, f.at, f.equity, f.realized_pnl_today, l.at, l.equity, l.realized_pnl_today,
    lo.at, lo.equity, lo.realized_pnl_today, hi.at, hi.equity, hi.realized_pnl_today, agg.close_equity, agg.dd_usd, agg.dd_fraction
  FROM (SELECT count(*)::int AS n, max(equity) FILTER (WHERE kind = 'close') AS close_equity,
          max(peak - equity) AS dd_usd, coalesce(max((peak - equity) / peak) FILTER (WHERE peak > 0), 0) AS dd_fraction
        FROM (SELECT kind, equity, max(equity) OVER (ORDER BY at ROWS UNBOUNDED PRECEDING) AS peak
              FROM equity_snapshot WHERE mode = p_mode AND session_date = p_date) w) agg,
    LATERAL (SELECT at, equity, realized_pnl_today FROM equity_snapshot WHERE mode = p_mode AND session_date = p_date ORDER BY at LIMIT 1) f,
    LATERAL (SELECT at, equity, realized_pnl_today FROM equity_snapshot WHERE mode = p_mode AND session_date = p_date ORDER BY at DESC LIMIT 1) l,
    LATERAL (SELECT at, equity, realized_pnl_today FROM equity_snapshot WHERE mode = p_mode AND session_date = p_date ORDER BY equity, at LIMIT 1) lo,
    LATERAL (SELECT at, equity, realized_pnl_today FROM equity_snapshot WHERE mode = p_mode AND session_date = p_date ORDER BY equity DESC, at LIMIT 1) hi
  WHERE agg.n > 0;
$$;

CREATE FUNCTION equity_day_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  d record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    FOR d IN SELECT DISTINCT mode, session_date FROM new_rows LOOP PERFORM equity_day_rebuild(d.mode, d.session_date); END LOOP;
  ELSIF TG_OP = 'DELETE' THEN
    FOR d IN SELECT DISTINCT mode, session_date FROM old_rows LOOP PERFORM equity_day_rebuild(d.mode, d.session_date); END LOOP;
  ELSE
    FOR d IN SELECT mode, session_date FROM new_rows UNION SELECT mode, session_date FROM old_rows LOOP
      PERFORM equity_day_rebuild(d.mode, d.session_date);
    END LOOP;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER equity_day_after_insert AFTER INSERT ON equity_snapshot
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION equity_day_refresh();
CREATE TRIGGER equity_day_after_update AFTER UPDATE ON equity_snapshot
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION equity_day_refresh();
CREATE TRIGGER equity_day_after_delete AFTER DELETE ON equity_snapshot
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION equity_day_refresh();

-- TRUNCATE fires no row or DELETE trigger: emptied snapshots empty their summaries too
CREATE FUNCTION equity_day_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM equity_day;
  RETURN NULL;
END
$$;
CREATE TRIGGER equity_day_after_truncate AFTER TRUNCATE ON equity_snapshot
  FOR EACH STATEMENT EXECUTE FUNCTION equity_day_truncated();

-- the rows written before this migration
SELECT equity_day_rebuild(mode, session_date) FROM (SELECT DISTINCT mode, session_date FROM equity_snapshot) days;
