/**
 * One backtest run end to end in a database of its own (run-databases.ts: the caller creates and
 * drops it): the run, its report read back through Keel's API, report.json and report.html written
 * to `outDir`; Keel stopped whatever happens.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backtestReport, type BacktestReport } from '../../service/backtest/backtest-report.js';
import { runBacktest } from '../../service/backtest/run-backtest.js';
import type { BacktestInputs } from './backtest-inputs.js';
import { reportHtml } from './report-files.js';

export interface RunOneOptions {
  inputs: BacktestInputs;
  settings: Record<string, unknown>;
  /** a fresh database (carries the password: never logged) */
  databaseUrl: string;
  outDir: string;
  cash: number;
  onProgress?: (at: number, from: number, to: number) => void;
}

export async function runOne(opts: RunOneOptions): Promise<BacktestReport> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'keel-backtest-'));
  try {
    const run = await runBacktest({
      signals: opts.inputs.signals, bars: opts.inputs.bars, settings: opts.settings, databaseUrl: opts.databaseUrl, dataDir: scratch,
      startingCash: opts.cash, onProgress: opts.onProgress,
    });
    try {
      const report = await backtestReport(run, { set: opts.settings, signals: opts.inputs.signals.length });
      await mkdir(opts.outDir, { recursive: true });
      await writeFile(path.join(opts.outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
      await writeFile(path.join(opts.outDir, 'report.html'), reportHtml(report));
      return report;
    } finally {
      await run.stop();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
