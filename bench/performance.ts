/**
 * B7 (docs/benchmarks.md): GET /api/performance over a year of history, on an embedded PostgreSQL.
 * Data: a year of trading days (252) of minute equity rows per mode (390 a day, ≈ 98,000 per mode,
 * plus the day's close row), and 10,000 then 100,000 closed paper trades (plus a tenth as many live
 * ones, which the paper figures must leave out). The request is the whole route in process
 * (Hono's app.request: routing, zod, the SQL, the figures, JSON) for the full year in paper mode.
 * The tables are vacuumed after each load, the state autovacuum keeps them in.
 * Baseline, same run: one `SELECT count(*) FROM bot_trade` on the same pool. Rounds interleave the
 * two; p50 and p95 of each are reported, and the ratios candidate ÷ baseline. Before timing counts
 * the answer is checked: the paper trade count and a curve of at most 1,000 points.
 * Alone: `npx tsx bench/performance.ts` (BENCH_B7_ROUNDS, default 5 rounds of 10 requests).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { loadBotConfig } from '../src/adapters/postgres/bot-config.repo.js';
import { createDb } from '../src/adapters/postgres/db.js';
import { startEmbeddedPostgres } from '../src/adapters/postgres/embedded.js';
import { migrateToLatest } from '../src/adapters/postgres/migrate.js';
import { ManualClock } from '../src/clock/manual.clock.js';
import type { PipelineDeps } from '../src/control/pipeline/pipeline-deps.js';
import { createPipeline } from '../src/control/pipeline/signal-service.js';
import { etWallToEpoch } from '../src/domain/market-time.js';
import { createApp } from '../src/http/app.js';
import { tradingDays } from '../tests/support/performance-rows.js';
import { addClosedTrades, loadEquityYear } from './performance-data.js';

const ROUNDS = Number(process.env.BENCH_B7_ROUNDS ?? 5);
const PER_ROUND = 10;
const TOKEN = 'bench-token-0123456789abcdef';

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export async function runPerformanceBenchmarks(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'keel-bench-perf-'));
  const pg = await startEmbeddedPostgres({ dataDir: dir, durable: false });
  const handle = createDb(pg.url, { max: 10, onPoolError: () => undefined });
  try {
    const db = handle.db;
    await migrateToLatest(db);
    const days = tradingDays('2025-12-01', 252);
    const from = days[0]!, to = days[days.length - 1]!;
    const clock = new ManualClock(etWallToEpoch(to, 17, 0));
    await loadBotConfig(db, clock.now());
    const load = performance.now();
    await loadEquityYear(db, days);
    console.log(`B7 /api/performance: ${days.length} days of minute equity rows per mode loaded in ${((performance.now() - load) / 1000).toFixed(1)} s`);

    // the route through the real facade; performance() reads only the database and the mode
    const control = { getConfig: () => loadBotConfig(db, clock.now()) } as unknown as PipelineDeps['control'];
    const pipeline = createPipeline({ db, clock, control, broker: () => null, marketData: () => null, supervisor: null as unknown as PipelineDeps['supervisor'] });
    const app = createApp({ control: null as never, pipeline, apiToken: TOKEN });
    const url = `/api/performance?mode=paper&from=${from}&to=${to}`;
    const request = async () => {
      const res = await app.request(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      if (res.status !== 200) throw new Error(`B7: status ${res.status}: ${await res.text()}`);
      return (await res.json()) as { summary: { trades: number }; equityCurve: unknown[] };
    };
    const count = () => sql`SELECT count(*) FROM bot_trade`.execute(db);

    let paperTrades = 0;
    for (const target of [10_000, 100_000]) {
      const add = target - paperTrades;
      await addClosedTrades(db, days, 'paper', add);
      await addClosedTrades(db, days, 'live', add / 10);
      paperTrades = target;
      // the state autovacuum keeps a table of past trades in (it visits a table once a fifth of it
      // changed): pages all-visible, so the covering index answers alone. Straight after a bulk load
      // they are not yet; both the route and the baseline read the same table state.
      await sql`VACUUM ANALYZE`.execute(db);
      const answer = await request();
      if (answer.summary.trades !== target || answer.equityCurve.length > 1000) throw new Error(`B7: wrong answer (${answer.summary.trades} trades, ${answer.equityCurve.length} points)`);
      for (let i = 0; i < 3; i++) { await request(); await count(); } // warm-up
      const cand: number[] = [], base: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        for (let i = 0; i < PER_ROUND; i++) {
          // alternate which runs first, so neither gets the warmer cache
          if (i % 2 === 0) { base.push(await timed(count)); cand.push(await timed(request)); }
          else { cand.push(await timed(request)); base.push(await timed(count)); }
        }
      }
      const [c50, c95, b50, b95] = [pct(cand, 0.5), pct(cand, 0.95), pct(base, 0.5), pct(base, 0.95)];
      console.log(`B7 /api/performance, ${target.toLocaleString('en-US')} closed trades + a year of minute equity: ` +
        `p50 ${c50.toFixed(1)} ms, p95 ${c95.toFixed(1)} ms (goal p95 ≤ 250 ms at 100,000); ` +
        `SELECT count(*) p50 ${b50.toFixed(2)} ms, p95 ${b95.toFixed(2)} ms; ratio p50 ${(c50 / b50).toFixed(1)}×, p95 ${(c95 / b95).toFixed(1)}×`);
    }
  } finally {
    await handle.close();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runPerformanceBenchmarks();
