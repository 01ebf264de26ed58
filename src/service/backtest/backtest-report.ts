/**
 * What a backtest produced, read back through Keel's own API (the statistics are the analytics
 * module's, exactly as /api/performance serves them): report.json's shape.
 * `summary` and `breakdowns` are /api/performance's for the run's New York dates (paper mode: a
 * backtest trades the simulated exchange); `daily` is /api/performance/daily's rows; `trades` are
 * every trade Keel made, by entry time; `skipped` every signal that did not fire, with its reason.
 * Money stays as the API prints it: decimal strings.
 */
import { etDate } from '../../domain/market-time.js';
import type { BacktestRun } from './run-backtest.js';

export interface BacktestTrade {
  signalId: string | null;
  symbol: string;
  status: string;
  entryAt: string | null;
  entryPrice: string | null;
  shares: string | null;
  exitAt: string | null;
  exitPrice: string | null;
  exitReason: string | null;
  pnl: string | null;
}

export interface BacktestReport {
  /** the run's settings: what was set for it, and bot_config as Keel ran with it */
  settings: { set: Record<string, unknown>; effective: Record<string, unknown> };
  run: { signals: number; bars: number; from: string; to: string; wallMs: number; barsPerSecond: number; pricesDelivered: number; warnings: string[] };
  summary: Record<string, unknown>;
  equityCurve: unknown[];
  daily: unknown[];
  breakdowns: Record<string, unknown>;
  trades: BacktestTrade[];
  skipped: Array<{ signalId: string; status: string; reason: string | null; detail: string | null }>;
}

type Row = Record<string, unknown>;
type Page = { items: Row[]; nextCursor: string | null };

async function everyPage(run: BacktestRun, path: string): Promise<Row[]> {
  const out: Row[] = [];
  let cursor: string | null = null;
  do {
    const page = (await run.get(`${path}${path.includes('?') ? '&' : '?'}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)) as Page;
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

const iso = (v: unknown): string | null => (typeof v === 'number' ? new Date(v).toISOString() : null);
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export async function backtestReport(run: BacktestRun, opts: { set: Record<string, unknown>; signals: number }): Promise<BacktestReport> {
  const window = `from=${etDate(run.from)}&to=${etDate(run.to)}&mode=paper`;
  const [effective, performance, daily, trades, signals] = await Promise.all([
    run.get('/api/bot/config') as Promise<Row>,
    run.get(`/api/performance?${window}`) as Promise<{ summary: Row; equityCurve: unknown[]; breakdowns: Row }>,
    run.get(`/api/performance/daily?${window}`) as Promise<{ days: unknown[] }>,
    everyPage(run, '/api/trades'),
    everyPage(run, '/api/signals'),
  ]);
  // by entry (then by signal id: trades opened at one instant come in a stable order)
  const at = (r: Row) => Number(r.entryAt ?? r.createdAt ?? 0);
  const byTime = (a: Row, b: Row) => at(a) - at(b) || String(a.signalId ?? '').localeCompare(String(b.signalId ?? ''));
  return {
    settings: { set: opts.set, effective },
    run: {
      signals: opts.signals, bars: run.bars, from: new Date(run.from).toISOString(), to: new Date(run.to).toISOString(),
      wallMs: Math.round(run.wallMs), barsPerSecond: Math.round(run.bars / Math.max(run.wallMs / 1000, 1e-9)),
      pricesDelivered: run.pricesDelivered, warnings: run.warnings,
    },
    summary: performance.summary,
    equityCurve: performance.equityCurve,
    daily: daily.days,
    breakdowns: performance.breakdowns,
    trades: trades.sort(byTime).map((t) => ({
      signalId: text(t.signalId), symbol: String(t.symbol), status: String(t.status), entryAt: iso(t.entryAt), entryPrice: text(t.entryPrice),
      shares: text(t.shares), exitAt: iso(t.exitAt), exitPrice: text(t.exitPrice), exitReason: text(t.exitReason), pnl: text(t.pnl),
    })),
    skipped: signals.filter((s) => s.status !== 'fired').sort((a, b) => Number(a.receivedAt) - Number(b.receivedAt)).map((s) => {
      const denial = s.denial as { code?: string; message?: string } | null;
      return { signalId: String(s.id), status: String(s.status), reason: denial?.code ?? null, detail: denial?.message ?? text(s.note) };
    }),
  };
}
