/**
 * Seeded rows for the analytics tests: closed trades (and some that must not count)
 * in both modes, and equity_snapshot rows, written with multi-row inserts.
 */
import type { Db } from '../../src/adapters/postgres/schema.js';
import { ts } from '../../src/adapters/postgres/sql-time.js';
import type { EquityPoint } from '../../src/core/analytics/analytics.types.js';
import { addDays, etWallToEpoch, weekdayOf } from '../../src/domain/market-time.js';
import { Decimal } from '../../src/domain/money.js';

/** a small deterministic generator (LCG), so a failure reproduces */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export interface TradeRowSpec {
  mode: 'paper' | 'live';
  status: string;
  symbol: string;
  pnl: string | null;
  entryAt: number | null;
  exitAt: number | null;
  strategy: string | null;
  catalystType: string | null;
  catalystTier: number | null;
  stars: number | null;
  exitReason: string | null;
}

export async function insertTradeRows(db: Db, rows: readonly TradeRowSpec[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    await db.insertInto('bot_trade').values(rows.slice(i, i + 2000).map((r) => ({
      symbol: r.symbol, side: 'buy', status: r.status, pnl: r.pnl, mode: r.mode as never,
      entry_at: r.entryAt === null ? null : ts(r.entryAt), exit_at: r.exitAt === null ? null : ts(r.exitAt),
      strategy: r.strategy, catalyst_type: r.catalystType, catalyst_tier: r.catalystTier, stars: r.stars, exit_reason: r.exitReason,
      created_at: ts(r.entryAt ?? 0), updated_at: ts(r.exitAt ?? r.entryAt ?? 0),
    }))).execute();
  }
}

export async function insertEquityRows(db: Db, points: readonly EquityPoint[]): Promise<void> {
  for (let i = 0; i < points.length; i += 5000) {
    await db.insertInto('equity_snapshot').values(points.slice(i, i + 5000).map((p) => ({
      mode: p.mode, at: ts(p.t), kind: p.kind, session_date: p.sessionDate, equity: p.equity.toFixed(), cash: p.equity.toFixed(),
      long_market_value: 0, unrealized_pnl: 0, realized_pnl_today: p.realizedPnl.toFixed(), open_positions: 0,
    }))).execute();
  }
}

const SYMBOLS = ['ABCD', 'EFGH', 'IJKL', 'MNOP', 'QRST'];
const STRATEGIES = ['gap', 'news', null];
const CATALYSTS = ['fda', 'earnings', 'contract', null];
const REASONS = ['hard_stop', 'profit_target', 'trailing_stop', 'time_exit', 'force_close_eod'];

/** weekdays from `start` (inclusive), `count` of them */
export function tradingDays(start: string, count: number): string[] {
  const out: string[] = [];
  for (let d = start; out.length < count; d = addDays(d, 1)) if (weekdayOf(d) !== 0 && weekdayOf(d) !== 6) out.push(d);
  return out;
}

/** `count` trades of one mode spread over the days, entered 09:30–15:30 ET, held up to an hour; pnl in cents, some exactly 0 */
export function randomTrades(rand: () => number, mode: 'paper' | 'live', days: readonly string[], count: number): TradeRowSpec[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  return Array.from({ length: count }, () => {
    const day = pick(days);
    const entryAt = etWallToEpoch(day, 9, 30) + Math.floor(rand() * 6 * 3600) * 1000;
    const cents = rand() < 0.08 ? 0 : Math.round((rand() - 0.45) * 20000);
    return {
      mode, status: 'closed', symbol: pick(SYMBOLS), pnl: new Decimal(cents).div(100).toFixed(2),
      entryAt: rand() < 0.03 ? null : entryAt, exitAt: entryAt + Math.floor(1 + rand() * 3600) * 1000,
      strategy: pick(STRATEGIES), catalystType: pick(CATALYSTS), catalystTier: pick([1, 2, 3, 4, null]),
      stars: pick([3, 4, 5, null]), exitReason: pick(REASONS),
    };
  });
}

/** minute rows 09:30–15:59 ET each day (every `stepMin` minutes) as a random walk, plus a close row at 16:00 on most days */
export function randomEquity(rand: () => number, mode: 'paper' | 'live', days: readonly string[], stepMin = 1, start = 100_000): EquityPoint[] {
  const points: EquityPoint[] = [];
  let equity = new Decimal(start);
  for (const day of days) {
    let realized = new Decimal(0);
    for (let m = 0; m < 390; m += stepMin) {
      const step = new Decimal(Math.round((rand() - 0.495) * 4000)).div(100);
      equity = equity.plus(step);
      realized = realized.plus(step.div(2));
      points.push({ mode, t: etWallToEpoch(day, 9, 30 + m), kind: 'minute', sessionDate: day, equity, realizedPnl: realized });
    }
    if (rand() < 0.8) points.push({ mode, t: etWallToEpoch(day, 16, 0), kind: 'close', sessionDate: day, equity: equity.plus(1), realizedPnl: realized });
  }
  return points;
}
