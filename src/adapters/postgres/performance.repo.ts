/**
 * The performance facts computed IN PostgreSQL (the pure path is core/analytics/facts-from-rows.ts;
 * a parity test holds the two equal on the same rows, report.ts turns either into the answer).
 * Invariants:
 *  - one mode only; a trade counts when status = 'closed' with a pnl, on the New York date of its
 *    exit_at; ET dates become instants first (etDateRange), so bot_trade_closed_mode_exit_idx and
 *    equity_snapshot's (mode, at) key serve the range instead of a per-row date computation;
 *  - only aggregates leave the database: counts and sums, streaks (window functions over the exit
 *    order), the drawdown (a running peak), one closing equity per day and at most
 *    MAX_CURVE_POINTS curve points (bucketed like equity-curve.ts: first, last, lowest, highest).
 */
import { sql, type RawBuilder } from 'kysely';
import type { BreakdownDimension, BreakdownKey, DailyFacts, GroupAggregate, PerformanceFacts, PerformanceQuery, TradeAggregate, TradeRef } from '../../core/analytics/analytics.types.js';
import { BREAKDOWN_DIMENSIONS } from '../../core/analytics/analytics.types.js';
import { WEEKDAYS } from '../../core/analytics/breakdown-keys.js';
import { CURVE_BUCKETS, MAX_CURVE_POINTS } from '../../core/analytics/equity-curve.js';
import { etDateRange } from '../../core/analytics/et-range.js';
import { Decimal } from '../../domain/money.js';
import type { DbOrTrx } from './schema.js';
import { ts, toMs } from './sql-time.js';

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const dec = (v: unknown): Decimal => new Decimal(v as string);
const decOrNull = (v: unknown): Decimal | null => (v === null || v === undefined ? null : dec(v));

/** the selected closed trades, with hold time (ms; null without an entry time) and ET entry hour/weekday */
function tradesCte(q: PerformanceQuery): RawBuilder<unknown> {
  const r = etDateRange(q.from, q.to);
  const filters = [
    q.strategy === undefined ? sql`` : sql` AND strategy = ${q.strategy}`,
    q.catalystType === undefined ? sql`` : sql` AND catalyst_type = ${q.catalystType}`,
    q.symbol === undefined ? sql`` : sql` AND symbol = ${q.symbol}`,
  ];
  return sql`t AS (
    SELECT id, symbol, pnl, exit_at, strategy, catalyst_type, catalyst_tier, stars, exit_reason,
      round(extract(epoch FROM exit_at - entry_at) * 1000)::bigint AS hold_ms,
      extract(hour FROM entry_at AT TIME ZONE 'America/New_York')::int AS entry_hour,
      extract(dow FROM entry_at AT TIME ZONE 'America/New_York')::int AS entry_dow,
      (exit_at AT TIME ZONE 'America/New_York')::date AS exit_date
    FROM bot_trade
    WHERE status = 'closed' AND mode = ${q.mode} AND exit_at >= ${ts(r.start)} AND exit_at < ${ts(r.end)} AND pnl IS NOT NULL${filters[0]}${filters[1]}${filters[2]})`;
}

function equityCte(q: Pick<PerformanceQuery, 'mode' | 'from' | 'to'>): RawBuilder<unknown> {
  const r = etDateRange(q.from, q.to);
  return sql`e AS (
    SELECT at, kind, session_date, equity, realized_pnl_today FROM equity_snapshot
    WHERE mode = ${q.mode} AND at >= ${ts(r.start)} AND at < ${ts(r.end)})`;
}

/** counts and sums of a group of t's rows (the trade aggregate without best/worst) */
const AGGREGATES = sql`count(*)::int AS trades,
  count(*) FILTER (WHERE pnl > 0)::int AS wins,
  count(*) FILTER (WHERE pnl < 0)::int AS losses,
  count(*) FILTER (WHERE pnl = 0)::int AS breakeven,
  coalesce(sum(pnl), 0) AS total_pnl,
  coalesce(sum(pnl) FILTER (WHERE pnl > 0), 0) AS gross_profit,
  coalesce(-sum(pnl) FILTER (WHERE pnl < 0), 0) AS gross_loss,
  coalesce(sum(hold_ms), 0) AS hold_ms, count(hold_ms)::int AS hold_count,
  coalesce(sum(hold_ms) FILTER (WHERE pnl > 0), 0) AS win_hold_ms, count(hold_ms) FILTER (WHERE pnl > 0)::int AS win_hold_count,
  coalesce(sum(hold_ms) FILTER (WHERE pnl < 0), 0) AS loss_hold_ms, count(hold_ms) FILTER (WHERE pnl < 0)::int AS loss_hold_count`;

function groupAggregate(r: Row): GroupAggregate {
  return { trades: num(r.trades), wins: num(r.wins), losses: num(r.losses), totalPnl: dec(r.total_pnl), grossProfit: dec(r.gross_profit), grossLoss: dec(r.gross_loss) };
}

function refOf(v: unknown): TradeRef | null {
  if (v === null || v === undefined) return null;
  const r = v as { id: string; symbol: string; pnl: string | number; exit_ms: string | number };
  return { id: r.id, symbol: r.symbol, pnl: new Decimal(String(r.pnl)), exitAt: Number(r.exit_ms) };
}

async function totals(db: DbOrTrx, q: PerformanceQuery): Promise<{ total: TradeAggregate; streaks: PerformanceFacts['streaks'] }> {
  const ref = (order: RawBuilder<unknown>) => sql`(SELECT json_build_object('id', id, 'symbol', symbol, 'pnl', pnl::text,
    'exit_ms', (extract(epoch FROM exit_at) * 1000)::bigint) FROM t ORDER BY ${order} LIMIT 1)`;
  const { rows } = await sql<Row>`WITH ${tradesCte(q)},
    runs AS (SELECT sign(pnl) AS sg, row_number() OVER (ORDER BY exit_at, id) - row_number() OVER (PARTITION BY sign(pnl) ORDER BY exit_at, id) AS island FROM t),
    lengths AS (SELECT sg, count(*) AS n FROM runs GROUP BY sg, island)
    SELECT ${AGGREGATES},
      ${ref(sql`pnl DESC, exit_at, id`)} AS best, ${ref(sql`pnl ASC, exit_at, id`)} AS worst,
      (SELECT coalesce(max(n) FILTER (WHERE sg > 0), 0)::int FROM lengths) AS max_wins,
      (SELECT coalesce(max(n) FILTER (WHERE sg < 0), 0)::int FROM lengths) AS max_losses
    FROM t`.execute(db);
  const r = rows[0]!;
  return {
    total: {
      ...groupAggregate(r), breakeven: num(r.breakeven),
      holdMs: num(r.hold_ms), holdCount: num(r.hold_count), winHoldMs: num(r.win_hold_ms), winHoldCount: num(r.win_hold_count),
      lossHoldMs: num(r.loss_hold_ms), lossHoldCount: num(r.loss_hold_count), best: refOf(r.best), worst: refOf(r.worst),
    },
    streaks: { maxConsecutiveWins: num(r.max_wins), maxConsecutiveLosses: num(r.max_losses) },
  };
}

const GROUP_COLUMNS: Record<BreakdownDimension, string> = {
  strategy: 'strategy', catalystType: 'catalyst_type', catalystTier: 'catalyst_tier', stars: 'stars',
  exitReason: 'exit_reason', symbol: 'symbol', entryHourEt: 'entry_hour', weekday: 'entry_dow',
};

/** every breakdown in one pass over t (GROUPING SETS: one set per dimension) */
async function groups(db: DbOrTrx, q: PerformanceQuery): Promise<PerformanceFacts['groups']> {
  const columns = BREAKDOWN_DIMENSIONS.map((d) => sql.ref(GROUP_COLUMNS[d]));
  const flags = BREAKDOWN_DIMENSIONS.map((d) => sql`grouping(${sql.ref(GROUP_COLUMNS[d])}) AS ${sql.ref(`g_${d}`)}`);
  const { rows } = await sql<Row>`WITH ${tradesCte(q)}
    SELECT ${sql.join(columns)}, ${sql.join(flags)}, ${AGGREGATES}
    FROM t GROUP BY GROUPING SETS (${sql.join(columns.map((c) => sql`(${c})`))})`.execute(db);
  const out = {} as PerformanceFacts['groups'];
  for (const d of BREAKDOWN_DIMENSIONS) out[d] = [];
  for (const r of rows) {
    const d = BREAKDOWN_DIMENSIONS.find((dim) => num(r[`g_${dim}`]) === 0)!;
    const raw = r[GROUP_COLUMNS[d]];
    const key: BreakdownKey = raw === null ? null : d === 'weekday' ? WEEKDAYS[num(raw)]! : (raw as string | number);
    out[d].push({ key, aggregate: groupAggregate(r) });
  }
  return out;
}

async function equityFacts(db: DbOrTrx, q: PerformanceQuery): Promise<Pick<PerformanceFacts, 'drawdown' | 'firstEquity' | 'lastEquity' | 'dailyCloses' | 'curve'>> {
  const summary = await sql<Row>`WITH ${equityCte(q)},
    peaks AS (SELECT equity, max(equity) OVER (ORDER BY at ROWS UNBOUNDED PRECEDING) AS peak FROM e)
    SELECT count(*)::int AS n, max(peak - equity) AS dd_usd, coalesce(max((peak - equity) / peak) FILTER (WHERE peak > 0), 0) AS dd_fraction,
      (SELECT equity FROM e ORDER BY at LIMIT 1) AS first_equity, (SELECT equity FROM e ORDER BY at DESC LIMIT 1) AS last_equity
    FROM peaks`.execute(db);
  const s = summary.rows[0]!;
  const closes = await sql<Row>`WITH ${equityCte(q)}
    SELECT DISTINCT ON (session_date) session_date, equity FROM e ORDER BY session_date, (kind = 'close') DESC, at DESC`.execute(db);
  // ≤ MAX_CURVE_POINTS rows: every row; else CURVE_BUCKETS runs by position, each keeping first, last, lowest, highest
  const curve = await sql<Row>`WITH ${equityCte(q)},
    numbered AS (SELECT at, equity, realized_pnl_today, row_number() OVER (ORDER BY at) - 1 AS rn, count(*) OVER () AS n FROM e),
    bucketed AS (SELECT *, CASE WHEN n <= ${MAX_CURVE_POINTS} THEN rn ELSE (rn * ${CURVE_BUCKETS}) / n END AS bucket FROM numbered),
    ranked AS (SELECT *, min(rn) OVER b AS first_rn, max(rn) OVER b AS last_rn,
      row_number() OVER (PARTITION BY bucket ORDER BY equity, rn) AS low, row_number() OVER (PARTITION BY bucket ORDER BY equity DESC, rn) AS high
      FROM bucketed WINDOW b AS (PARTITION BY bucket))
    SELECT at, equity, realized_pnl_today FROM ranked WHERE rn = first_rn OR rn = last_rn OR low = 1 OR high = 1 ORDER BY at`.execute(db);
  return {
    drawdown: num(s.n) === 0 ? null : { usd: dec(s.dd_usd), fraction: dec(s.dd_fraction) },
    firstEquity: decOrNull(s.first_equity),
    lastEquity: decOrNull(s.last_equity),
    dailyCloses: closes.rows.map((r) => ({ date: r.session_date as string, equity: dec(r.equity) })),
    curve: curve.rows.map((r) => ({ t: toMs(r.at as Date), equity: dec(r.equity), realizedPnl: dec(r.realized_pnl_today) })),
  };
}

export async function loadPerformanceFacts(db: DbOrTrx, q: PerformanceQuery): Promise<PerformanceFacts> {
  const [t, g, e] = await Promise.all([totals(db, q), groups(db, q), equityFacts(db, q)]);
  return { ...t, groups: g, ...e };
}

/** one entry per ET date with a trade exit or an equity row, oldest first */
export async function loadDailyFacts(db: DbOrTrx, q: Pick<PerformanceQuery, 'mode' | 'from' | 'to'>): Promise<DailyFacts[]> {
  const { rows } = await sql<Row>`WITH ${tradesCte(q)}, ${equityCte(q)},
    days AS (SELECT exit_date AS date, ${AGGREGATES}, max(pnl) AS best_pnl, min(pnl) AS worst_pnl FROM t GROUP BY exit_date),
    peaks AS (SELECT session_date, equity, max(equity) OVER (PARTITION BY session_date ORDER BY at ROWS UNBOUNDED PRECEDING) AS peak FROM e),
    falls AS (SELECT session_date, coalesce(max((peak - equity) / peak) FILTER (WHERE peak > 0), 0) AS dd_fraction FROM peaks GROUP BY session_date),
    opens AS (SELECT DISTINCT ON (session_date) session_date, equity FROM e ORDER BY session_date, at),
    closes AS (SELECT DISTINCT ON (session_date) session_date, equity FROM e ORDER BY session_date, (kind = 'close') DESC, at DESC),
    eq AS (SELECT o.session_date AS date, o.equity AS start_equity, c.equity AS end_equity, f.dd_fraction
      FROM opens o JOIN closes c USING (session_date) JOIN falls f USING (session_date))
    SELECT coalesce(days.date, eq.date) AS day, days.*, eq.start_equity, eq.end_equity, eq.dd_fraction
    FROM days FULL JOIN eq ON eq.date = days.date ORDER BY day`.execute(db);
  return rows.map((r) => ({
    date: r.day as string,
    aggregate: r.trades === null
      ? { trades: 0, wins: 0, losses: 0, totalPnl: new Decimal(0), holdMs: 0, holdCount: 0, bestPnl: null, worstPnl: null }
      : { trades: num(r.trades), wins: num(r.wins), losses: num(r.losses), totalPnl: dec(r.total_pnl), holdMs: num(r.hold_ms), holdCount: num(r.hold_count), bestPnl: decOrNull(r.best_pnl), worstPnl: decOrNull(r.worst_pnl) },
    startEquity: decOrNull(r.start_equity),
    endEquity: decOrNull(r.end_equity),
    drawdownFraction: decOrNull(r.dd_fraction),
  }));
}

/** trades of the mode holding shares now (open, or with an exit working) */
export async function countOpenTrades(db: DbOrTrx, mode: PerformanceQuery['mode']): Promise<number> {
  const row = await db.selectFrom('bot_trade').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('mode', '=', mode).where('status', 'in', ['open', 'exiting']).executeTakeFirstOrThrow();
  return Number(row.n);
}
