/**
 * The performance facts computed IN PostgreSQL (the pure path is core/analytics/facts-from-rows.ts;
 * a parity test holds the two equal on the same rows, report.ts turns either into the answer).
 * Invariants:
 *  - one mode only; a trade counts when status = 'closed' with a pnl, on the New York date of its
 *    exit_at; ET dates become instants first (etDateRange), so bot_trade_closed_mode_exit_idx and
 *    equity_snapshot's (mode, at) key serve the range instead of a per-row date computation;
 *  - only aggregates leave the database: counts and sums, the signs of the trades in exit order (one
 *    character each, for the streaks), the best and worst trade; the equity figures come from one
 *    summary per day (equity-day.repo.ts);
 *  - the statements of one answer run side by side on separate connections but share one snapshot
 *    (shared-snapshot.ts), so a trade closing meanwhile cannot be half counted.
 * Cost (docs/benchmarks.md, B7): no time-zone conversion per row, no sort (the closed-trade index
 * is in exit order and covers every column read here), six aggregate transitions a row (partial
 * sums per sign of the P&L), no window function, no minute rows over a long range.
 */
import { sql, type RawBuilder } from 'kysely';
import type { BreakdownDimension, BreakdownKey, DailyFacts, GroupAggregate, PerformanceFacts, PerformanceQuery, TradeAggregate, TradeRef } from '../../core/analytics/analytics.types.js';
import { BREAKDOWN_DIMENSIONS } from '../../core/analytics/analytics.types.js';
import { WEEKDAYS } from '../../core/analytics/breakdown-keys.js';
import { etDateRange } from '../../core/analytics/et-range.js';
import { streaksOfSigns } from '../../core/analytics/streaks.js';
import { Decimal } from '../../domain/money.js';
import { loadEquityDays, loadEquityFacts } from './equity-day.repo.js';
import type { Db, DbOrTrx } from './schema.js';
import { inOneSnapshot, inSharedSnapshot } from './shared-snapshot.js';
import { ts } from './sql-time.js';

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const dec = (v: unknown): Decimal => new Decimal(v as string);
const decOrNull = (v: unknown): Decimal | null => (v === null || v === undefined ? null : dec(v));

/** the selected closed trades. Per-row work stays cheap (no time-zone conversion per row: that
 *  costs more than the whole scan): hold is an interval; ET dates and hours are taken per UTC hour bin */
function tradesCte(q: PerformanceQuery): RawBuilder<unknown> {
  const r = etDateRange(q.from, q.to);
  const filters = [
    q.strategy === undefined ? sql`` : sql` AND strategy = ${q.strategy}`,
    q.catalystType === undefined ? sql`` : sql` AND catalyst_type = ${q.catalystType}`,
    q.symbol === undefined ? sql`` : sql` AND symbol = ${q.symbol}`,
  ];
  return sql`t AS NOT MATERIALIZED (
    SELECT id, symbol, pnl, entry_at, exit_at, exit_at - entry_at AS hold, strategy, catalyst_type, catalyst_tier, stars, exit_reason
    FROM bot_trade
    WHERE status = 'closed' AND mode = ${q.mode} AND exit_at >= ${ts(r.start)} AND exit_at < ${ts(r.end)} AND pnl IS NOT NULL${filters[0]}${filters[1]}${filters[2]})`;
}

/** partial sums of a group of t's rows that share the sign of their P&L (group by SIGN_KEY with it):
 *  six transitions a row instead of fifteen, since wins, losses, breakeven and the gross figures
 *  are then sums over the sign groups (REAGGREGATES). Hold in ms. */
const SIGN_KEY = sql`sign(pnl)`;
const AGGREGATES = sql`sign(pnl) AS s,
  count(*)::int AS n,
  sum(pnl) AS pnl_sum,
  coalesce(round(extract(epoch FROM sum(hold)) * 1000), 0) AS hold_ms, count(hold)::int AS hold_count,
  max(pnl) AS best_pnl, min(pnl) AS worst_pnl`;

/** the aggregate columns, summed over the partial sums (rows of AGGREGATES, grouped finer) */
const REAGGREGATES = sql`coalesce(sum(n), 0)::int AS trades,
  coalesce(sum(n) FILTER (WHERE s > 0), 0)::int AS wins,
  coalesce(sum(n) FILTER (WHERE s < 0), 0)::int AS losses,
  coalesce(sum(n) FILTER (WHERE s = 0), 0)::int AS breakeven,
  coalesce(sum(pnl_sum), 0) AS total_pnl,
  coalesce(sum(pnl_sum) FILTER (WHERE s > 0), 0) AS gross_profit,
  coalesce(-sum(pnl_sum) FILTER (WHERE s < 0), 0) AS gross_loss,
  coalesce(sum(hold_ms), 0) AS hold_ms, coalesce(sum(hold_count), 0)::int AS hold_count,
  coalesce(sum(hold_ms) FILTER (WHERE s > 0), 0) AS win_hold_ms, coalesce(sum(hold_count) FILTER (WHERE s > 0), 0)::int AS win_hold_count,
  coalesce(sum(hold_ms) FILTER (WHERE s < 0), 0) AS loss_hold_ms, coalesce(sum(hold_count) FILTER (WHERE s < 0), 0)::int AS loss_hold_count,
  max(best_pnl) AS best_pnl, min(worst_pnl) AS worst_pnl`;

function groupAggregate(r: Row): GroupAggregate {
  return { trades: num(r.trades), wins: num(r.wins), losses: num(r.losses), totalPnl: dec(r.total_pnl), grossProfit: dec(r.gross_profit), grossLoss: dec(r.gross_loss) };
}

function refOf(v: unknown): TradeRef | null {
  if (v === null || v === undefined) return null;
  const r = v as { id: string; symbol: string; pnl: string | number; exit_ms: string | number };
  return { id: r.id, symbol: r.symbol, pnl: new Decimal(String(r.pnl)), exitAt: Number(r.exit_ms) };
}

const GROUP_COLUMNS: Record<Exclude<BreakdownDimension, 'entryHourEt' | 'weekday'>, string> = {
  strategy: 'strategy', catalystType: 'catalyst_type', catalystTier: 'catalyst_tier', stars: 'stars', exitReason: 'exit_reason', symbol: 'symbol',
};
const PLAIN_DIMENSIONS = Object.keys(GROUP_COLUMNS) as Array<keyof typeof GROUP_COLUMNS>;

/** the total and the plain breakdowns: one hash aggregation of t by every plain dimension at once
 *  (a few thousand combinations at most), then GROUPING SETS over those partial sums (the empty
 *  set is the total): the sums are a monoid, so summing partial sums gives the same result */
async function totalsAndGroups(db: DbOrTrx, q: PerformanceQuery): Promise<{ total: Omit<TradeAggregate, 'best' | 'worst'>; groups: PerformanceFacts['groups'] }> {
  const columns = PLAIN_DIMENSIONS.map((d) => sql.ref(GROUP_COLUMNS[d]));
  const flags = PLAIN_DIMENSIONS.map((d) => sql`grouping(${sql.ref(GROUP_COLUMNS[d])}) AS ${sql.ref(`g_${d}`)}`);
  const { rows } = await sql<Row>`WITH ${tradesCte(q)},
    parts AS (SELECT ${sql.join(columns)}, ${AGGREGATES} FROM t GROUP BY ${sql.join(columns)}, ${SIGN_KEY})
    SELECT ${sql.join(columns)}, ${sql.join(flags)}, ${REAGGREGATES}
    FROM parts GROUP BY GROUPING SETS ((), ${sql.join(columns.map((c) => sql`(${c})`))})`.execute(db);
  const groups = {} as PerformanceFacts['groups'];
  for (const d of BREAKDOWN_DIMENSIONS) groups[d] = [];
  let total: Omit<TradeAggregate, 'best' | 'worst'> | null = null;
  for (const r of rows) {
    const d = PLAIN_DIMENSIONS.find((dim) => num(r[`g_${dim}`]) === 0);
    if (d === undefined) {
      total = {
        ...groupAggregate(r), breakeven: num(r.breakeven), holdMs: num(r.hold_ms), holdCount: num(r.hold_count),
        winHoldMs: num(r.win_hold_ms), winHoldCount: num(r.win_hold_count), lossHoldMs: num(r.loss_hold_ms), lossHoldCount: num(r.loss_hold_count),
      };
    } else {
      groups[d].push({ key: r[GROUP_COLUMNS[d]] as BreakdownKey, aggregate: groupAggregate(r) });
    }
  }
  return { total: total!, groups };
}

/** entry hour and weekday in New York: partial aggregates per UTC hour of entry, then summed per
 *  ET hour / weekday (an ET hour or date never straddles a UTC hour: the offsets are whole hours) */
async function entryTimeGroups(db: DbOrTrx, q: PerformanceQuery): Promise<Pick<PerformanceFacts['groups'], 'entryHourEt' | 'weekday'>> {
  const { rows } = await sql<Row>`WITH ${tradesCte(q)},
    bins AS (SELECT date_bin('1 hour', entry_at, timestamptz 'epoch') AT TIME ZONE 'America/New_York' AS local, ${AGGREGATES}
      FROM t GROUP BY date_bin('1 hour', entry_at, timestamptz 'epoch'), ${SIGN_KEY})
    SELECT extract(hour FROM local)::int AS hour, extract(dow FROM local)::int AS dow, grouping(extract(hour FROM local)) AS g_hour, ${REAGGREGATES}
    FROM bins GROUP BY GROUPING SETS ((extract(hour FROM local)), (extract(dow FROM local)))`.execute(db);
  const out: Pick<PerformanceFacts['groups'], 'entryHourEt' | 'weekday'> = { entryHourEt: [], weekday: [] };
  for (const r of rows) {
    const isHour = num(r.g_hour) === 0;
    const raw = isHour ? r.hour : r.dow;
    const key: BreakdownKey = raw === null ? null : isHour ? num(raw) : WEEKDAYS[num(raw)]!;
    (isHour ? out.entryHourEt : out.weekday).push({ key, aggregate: groupAggregate(r) });
  }
  return out;
}

/** best and worst trade (equal P&Ls: the earlier exit, then the smaller id) and the streaks in exit
 *  order, from ONE ordered pass over the trades: the signs string, and the keys of the best and the
 *  worst as arrays compared element by element — [pnl, −exit epoch] at its largest is the highest P&L
 *  exited first, [pnl, exit epoch] at its smallest the lowest P&L exited first; each row is then
 *  fetched by its exit instant through the index (and the smaller id among equals) */
async function extremesAndStreaks(db: DbOrTrx, q: PerformanceQuery): Promise<{ best: TradeRef | null; worst: TradeRef | null; streaks: PerformanceFacts['streaks'] }> {
  const ref = (pnl: RawBuilder<unknown>, epoch: RawBuilder<unknown>) => sql`(SELECT json_build_object('id', id, 'symbol', symbol, 'pnl', pnl::text,
    'exit_ms', (extract(epoch FROM exit_at) * 1000)::bigint) FROM (SELECT id, symbol, pnl, exit_at FROM t
      WHERE pnl = ${pnl} AND exit_at BETWEEN to_timestamp(${epoch}) - interval '1 second' AND to_timestamp(${epoch}) + interval '1 second'
        AND extract(epoch FROM exit_at) = ${epoch}
      ORDER BY id LIMIT 1) top)`;
  const { rows } = await sql<Row>`WITH ${tradesCte(q)},
    pass AS (SELECT coalesce(string_agg(CASE WHEN pnl > 0 THEN 'W' WHEN pnl < 0 THEN 'L' ELSE '0' END, '' ORDER BY exit_at, id), '') AS signs,
      max(ARRAY[pnl, -extract(epoch FROM exit_at)]) AS best_key, min(ARRAY[pnl, extract(epoch FROM exit_at)]) AS worst_key FROM t)
    SELECT signs, ${ref(sql`best_key[1]`, sql`-best_key[2]`)} AS best, ${ref(sql`worst_key[1]`, sql`worst_key[2]`)} AS worst FROM pass`.execute(db);
  const r = rows[0]!;
  return { best: refOf(r.best), worst: refOf(r.worst), streaks: streaksOfSigns(r.signs as string) };
}

/** the four statements side by side on four connections, in one snapshot of the database */
export async function loadPerformanceFacts(db: Db, q: PerformanceQuery): Promise<PerformanceFacts> {
  const [{ total, groups }, timed, { best, worst, streaks }, equity] = await inSharedSnapshot<[
    Awaited<ReturnType<typeof totalsAndGroups>>, Awaited<ReturnType<typeof entryTimeGroups>>, Awaited<ReturnType<typeof extremesAndStreaks>>, Awaited<ReturnType<typeof loadEquityFacts>>,
  ]>(db, [(trx) => totalsAndGroups(trx, q), (trx) => entryTimeGroups(trx, q), (trx) => extremesAndStreaks(trx, q), (trx) => loadEquityFacts(trx, q)]);
  return { total: { ...total, best, worst }, streaks, groups: { ...groups, ...timed }, ...equity };
}

/** one entry per ET date with a trade exit or an equity row, oldest first */
export async function loadDailyFacts(db: Db, q: Pick<PerformanceQuery, 'mode' | 'from' | 'to'>): Promise<DailyFacts[]> {
  const [tradeDays, equityDays] = await inOneSnapshot(db, async (trx) => [
    (await sql<Row>`WITH ${tradesCte(q)},
      bins AS (SELECT (date_bin('1 hour', exit_at, timestamptz 'epoch') AT TIME ZONE 'America/New_York')::date AS date, ${AGGREGATES}
        FROM t GROUP BY date_bin('1 hour', exit_at, timestamptz 'epoch'), ${SIGN_KEY})
      SELECT date, ${REAGGREGATES} FROM bins GROUP BY date`.execute(trx)).rows,
    await loadEquityDays(trx, q),
  ] as const);
  const trades = new Map(tradeDays.map((r) => [r.date as string, r]));
  const equity = new Map(equityDays.map((d) => [d.sessionDate, d]));
  return [...new Set([...trades.keys(), ...equity.keys()])].sort().map((date) => {
    const r = trades.get(date);
    const e = equity.get(date);
    return {
      date,
      aggregate: r === undefined
        ? { trades: 0, wins: 0, losses: 0, totalPnl: new Decimal(0), holdMs: 0, holdCount: 0, bestPnl: null, worstPnl: null }
        : { trades: num(r.trades), wins: num(r.wins), losses: num(r.losses), totalPnl: dec(r.total_pnl), holdMs: num(r.hold_ms), holdCount: num(r.hold_count), bestPnl: decOrNull(r.best_pnl), worstPnl: decOrNull(r.worst_pnl) },
      startEquity: e?.first.equity ?? null,
      endEquity: e === undefined ? null : e.close ?? e.last.equity,
      drawdownFraction: e?.drawdownFraction ?? null,
    };
  });
}

/** trades of the mode holding shares now (open, or with an exit working) */
export async function countOpenTrades(db: DbOrTrx, mode: PerformanceQuery['mode']): Promise<number> {
  const row = await db.selectFrom('bot_trade').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('mode', '=', mode).where('status', 'in', ['open', 'exiting']).executeTakeFirstOrThrow();
  return Number(row.n);
}
