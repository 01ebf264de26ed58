/**
 * B10 backtest (the replay benchmark; "B7" was already /api/performance's name here): one New York
 * session × 500 symbols of 1-minute bars (195,000 bars) with 200 signals through Keel's whole
 * engine on the virtual clock (service/backtest/run-backtest.ts), each run in its own database.
 *  - bars per second = the session's bars ÷ the run's wall time (Keel's start and its settings
 *    included, the inputs' reading not); goal ≥ 700,000; reported with its ratio to B1's engine
 *    tick path (ticks per second) measured in the same run, so the machine's speed cancels;
 *  - sweep scaling: four runs of a smaller session (50 symbols, 40 signals) by `npm run backtest`'s
 *    own sweep (worker processes), on 1 worker then on 2; goal ≥ 1.7× on 2 cores.
 * Alone: `npx tsx bench/backtest.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRunDatabases } from '../src/adapters/postgres/run-databases.js';
import { SimMarket } from '../src/adapters/sim/market/sim-market.js';
import type { Bar } from '../src/domain/market-data.js';
import { runBacktest, type BacktestSignal } from '../src/service/backtest/run-backtest.js';
import { readBacktestArgs } from '../src/cli/backtest/backtest-args.js';
import { runSweep, sweepGrid } from '../src/cli/backtest/sweep.js';
import { mulberry32, workload } from './position-workload.js';
import { handoffPath } from './positions.js';

const OPEN = Date.parse('2026-11-20T14:30:00Z'); // 09:30 New York
const SETTINGS = { hardStopLossPct: 1, profitTargetPct: 1.5, trailingStopPct: 0.75, maxHoldDurationSec: 1_800, maxConcurrentPositions: 50, maxTradesPerDay: 1_000, maxRoundTripsPerDay: null, minWinRate: null };

export function sessionWorkload(symbols: number, signals: number): { bars: Bar[]; signals: BacktestSignal[] } {
  // letters only, as a symbol must be: SAAA, SAAB, …
  const letter = (n: number) => String.fromCharCode(65 + (n % 26));
  const names = Array.from({ length: symbols }, (_, i) => `S${letter(i / 676)}${letter(i / 26)}${letter(i)}`);
  const rnd = mulberry32(7);
  const bases = Object.fromEntries(names.map((n) => [n, 5 + Math.round(rnd() * 9_500) / 100]));
  const market = new SimMarket({ seed: 3, symbols: bases, stepMs: 1_000, pinnedOpen: false, now: () => OPEN + 400 * 60_000 });
  const bars = names.flatMap((n) => market.bars(n, { unit: 'min', ms: 60_000 }, OPEN, OPEN + 389 * 60_000));
  const list: BacktestSignal[] = Array.from({ length: signals }, (_, i) => {
    const symbol = names[Math.floor(rnd() * names.length)]!;
    const at = OPEN + 5 * 60_000 + Math.floor(rnd() * 355 * 60) * 1_000;
    return { at, body: { id: `bench-${i}`, symbol, side: 'buy', catalystType: ['earnings', 'contract_win', 'fda_approval'][i % 3], catalystTier: 1 + (i % 3), aiConfidence: 'high' } };
  });
  return { bars, signals: list.sort((a, b) => a.at - b.at) };
}

function b1EngineTicksPerSecond(): number {
  const n = 500_000;
  const w = workload(n);
  handoffPath(w, 0, n); // warm-up
  const t = performance.now();
  handoffPath(w, 0, n);
  return n / ((performance.now() - t) / 1000);
}

export async function runBacktestBenchmarks(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'keel-bench-backtest-'));
  const databases = await startRunDatabases(path.join(dir, 'pg'));
  try {
    const { bars, signals } = sessionWorkload(500, 200);
    const rounds = Number(process.env.BENCH_BACKTEST_ROUNDS ?? 2);
    const ratios: number[] = [];
    let last = { barsPerSecond: 0, ticks: 0, trades: 0, wallMs: 0 };
    for (let r = 0; r < rounds; r++) {
      const ticks = b1EngineTicksPerSecond();
      const db = await databases.create();
      const run = await runBacktest({ signals, bars, settings: SETTINGS, databaseUrl: db.url, dataDir: path.join(dir, `run${r}`) });
      const trades = ((await run.get('/api/trades?limit=500')) as { items: unknown[] }).items.length;
      await run.stop();
      if (trades === 0 || run.warnings.length > 0) throw new Error(`B10: the run made ${trades} trades, warned ${JSON.stringify(run.warnings.slice(0, 3))}`);
      await db.drop();
      const barsPerSecond = run.bars / (run.wallMs / 1000);
      ratios.push(barsPerSecond / ticks);
      last = { barsPerSecond, ticks, trades, wallMs: run.wallMs };
    }
    const fmt = (xs: number[]) => `${[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(4)} (min ${Math.min(...xs).toFixed(4)}, max ${Math.max(...xs).toFixed(4)})`;
    console.log(`B10 backtest, 500 symbols × 390 bars (${bars.length.toLocaleString('en-US')}) + ${signals.length} signals through the whole engine: ` +
      `bars/s ÷ B1 engine ticks/s ${fmt(ratios)}; last round ${Math.round(last.barsPerSecond).toLocaleString('en-US')} bars/s [goal ≥ 700,000] ` +
      `(${(last.wallMs / 1000).toFixed(1)} s, ${last.trades} trades), B1 engine ${Math.round(last.ticks).toLocaleString('en-US')} ticks/s`);

    // sweep scaling: the same four runs on 1 worker, then on 2
    const small = sessionWorkload(50, 40);
    const signalsFile = path.join(dir, 'signals.jsonl');
    const barsFile = path.join(dir, 'bars.csv');
    writeFileSync(signalsFile, small.signals.map((s) => JSON.stringify({ at: new Date(s.at).toISOString(), ...s.body })).join('\n') + '\n');
    writeFileSync(barsFile, 'symbol,t,o,h,l,c,v\n' + small.bars.map((b) => `${b.symbol},${b.t},${b.o},${b.h},${b.l},${b.c},${b.v}`).join('\n') + '\n');
    const walls: number[] = [];
    for (const workers of [1, 2]) {
      const args = readBacktestArgs(['--signals', signalsFile, '--bars', barsFile, '--sweep', 'hardStopLossPct=0.5,1,1.5,2', '--workers', String(workers), '--out', path.join(dir, `sweep${workers}`), '--data-dir', dir,
        ...Object.entries(SETTINGS).filter(([k]) => k !== 'hardStopLossPct').flatMap(([k, v]) => ['--set', `${k}=${JSON.stringify(v)}`])], process.cwd());
      if (args.ok !== true) throw new Error(`B10 sweep options: ${JSON.stringify(args)}`);
      const outcome = await runSweep({ options: args.options, points: sweepGrid(args.options.set, args.options.sweep), databases, onResult: () => undefined });
      if (outcome.failed.length > 0) throw new Error(`B10 sweep runs failed: ${JSON.stringify(outcome.failed)}`);
      walls.push(outcome.wallMs);
    }
    console.log(`B10 sweep, 4 runs (50 symbols, 40 signals each): 1 worker ${(walls[0]! / 1000).toFixed(1)} s, 2 workers ${(walls[1]! / 1000).toFixed(1)} s: scaling ${(walls[0]! / walls[1]!).toFixed(2)}× [goal ≥ 1.7 on 2 cores]`);
  } finally {
    await databases.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runBacktestBenchmarks();
