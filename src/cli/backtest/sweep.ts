/**
 * `--sweep`: the grid of settings (every combination of the swept values, the --set ones in all of
 * them), run in parallel worker processes (sweep-worker.ts, one per core by default; each loads the
 * inputs once and runs the grid points it is handed, each in its own database), then ranked.
 * Ranking: by the metric, highest first; a run without the figure (no closed trade, or no loss for a
 * profit factor) ranks after every run that has it; ties keep the grid's order.
 * Scaling: the sum of the runs' own wall times ÷ the sweep's wall time — what the workers gained
 * over running the same runs one after another.
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunDatabase, RunDatabases } from '../../adapters/postgres/run-databases.js';
import type { BacktestOptions, RankMetric } from './backtest-args.js';

export interface SweepPoint {
  index: number;
  /** the swept values of this run */
  swept: Record<string, unknown>;
  /** what the run PATCHes: --set and the swept values */
  settings: Record<string, unknown>;
}

export interface SweepResult {
  index: number;
  swept: Record<string, unknown>;
  summary: Record<string, unknown>;
  wallMs: number;
}

export interface SweepOutcome {
  rank: RankMetric;
  workers: number;
  wallMs: number;
  /** Σ run wall ÷ sweep wall */
  scaling: number;
  runs: SweepResult[];
}

export function sweepGrid(set: Record<string, unknown>, sweep: BacktestOptions['sweep']): SweepPoint[] {
  let grid: Array<Record<string, unknown>> = [{}];
  for (const { key, values } of sweep) grid = grid.flatMap((point) => values.map((v) => ({ ...point, [key]: v })));
  return grid.map((swept, index) => ({ index, swept, settings: { ...set, ...swept } }));
}

export function rankRuns<T extends { index: number; summary: Record<string, unknown> }>(runs: readonly T[], metric: RankMetric): T[] {
  const value = (r: T): number | null => {
    const v = r.summary[metric];
    return v === null || v === undefined || !Number.isFinite(Number(v)) ? null : Number(v);
  };
  return [...runs].sort((a, b) => {
    const va = value(a), vb = value(b);
    if (va === null || vb === null) return va === vb ? a.index - b.index : va === null ? 1 : -1;
    return vb - va || a.index - b.index;
  });
}

export interface WorkerJob { type: 'run'; point: SweepPoint; databaseUrl: string }
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; result: SweepResult }
  | { type: 'failed'; index: number; error: string };

const WORKER = fileURLToPath(new URL('./sweep-worker.ts', import.meta.url));

export async function runSweep(opts: {
  options: BacktestOptions;
  points: SweepPoint[];
  /** each run's own database (dropped once its result is in) */
  databases: RunDatabases;
  onResult: (done: number, total: number, result: SweepResult | { index: number; error: string }) => void;
}): Promise<SweepOutcome & { failed: Array<{ index: number; error: string }> }> {
  const started = performance.now();
  const workers = Math.max(1, Math.min(opts.options.workers ?? os.availableParallelism(), opts.points.length));
  const queue = [...opts.points];
  const results: SweepResult[] = [];
  const failed: Array<{ index: number; error: string }> = [];
  let done = 0;
  const one = () => new Promise<void>((resolve, reject) => {
    const child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, KEEL_BACKTEST_JOB: JSON.stringify(opts.options) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let database: RunDatabase | null = null;
    const next = () => {
      const point = queue.shift();
      if (!point) return void child.disconnect();
      opts.databases.create().then((db) => {
        database = db;
        child.send({ type: 'run', point, databaseUrl: db.url } satisfies WorkerJob);
      }, (error: unknown) => {
        failed.push({ index: point.index, error: `no database for the run: ${String(error)}` });
        next();
      });
    };
    child.on('message', (m: WorkerMessage) => {
      if (m.type === 'ready') return next();
      void database?.drop().catch(() => undefined);
      database = null;
      done++;
      if (m.type === 'done') results.push(m.result);
      else failed.push({ index: m.index, error: m.error });
      opts.onResult(done, opts.points.length, m.type === 'done' ? m.result : { index: m.index, error: m.error });
      next();
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a sweep worker exited with code ${code}`))));
    child.on('error', reject);
  });
  await Promise.all(Array.from({ length: workers }, one));
  const wallMs = performance.now() - started;
  const serial = results.reduce((sum, r) => sum + r.wallMs, 0);
  return { rank: opts.options.rank, workers, wallMs, scaling: serial / wallMs, runs: rankRuns(results, opts.options.rank), failed };
}

export const runDir = (out: string, index: number): string => path.join(out, 'runs', String(index + 1).padStart(3, '0'));
