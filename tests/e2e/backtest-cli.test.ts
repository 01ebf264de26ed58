/**
 * `npm run backtest` as a trader runs it: its own process, the example files in examples/backtest
 * (the fixture session of tests/support/backtest-fixture.ts), a sweep over two values ranked by
 * total P&L; and a command line it must refuse, with every problem, before anything runs.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BACKTEST_FIXTURE_SETTINGS } from '../support/backtest-fixture.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = promisify(execFile);

async function backtest(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/backtest.ts', ...args], { cwd: ROOT, maxBuffer: 10_000_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const set = Object.entries(BACKTEST_FIXTURE_SETTINGS).filter(([k]) => k !== 'profitTargetPct').flatMap(([k, v]) => ['--set', `${k}=${v}`]);

describe('npm run backtest', () => {
  it('sweeps the profit target over two workers and ranks the runs by total P&L', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'keel-backtest-cli-'));
    const out = path.join(dir, 'out');
    const r = await backtest([
      '--signals', 'examples/backtest/signals.jsonl', '--bars', 'examples/backtest/bars.csv', ...set,
      '--sweep', 'profitTargetPct=6,3', '--rank', 'totalPnl', '--workers', '2', '--out', out, '--data-dir', dir,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const sweep = JSON.parse(await readFile(path.join(out, 'sweep.json'), 'utf8')) as { rank: string; workers: number; runs: Array<{ settings: Record<string, unknown>; summary: Record<string, unknown>; report: string }> };
    // with a 3 % target (10.30) TRAIL is sold by it at the 10:15 bar's close point (10.40, +4.00)
    // instead of by the trailing stop at 10.10 (+1.00): 9.00 in all against 6.00 — the grid's
    // second run ranks first
    expect(sweep.rank).toBe('totalPnl');
    expect(sweep.workers).toBe(2);
    expect(sweep.runs.map((x) => [x.settings, x.summary.totalPnl])).toEqual([[{ profitTargetPct: 3 }, '9'], [{ profitTargetPct: 6 }, '6']]);
    const reports = await Promise.all(sweep.runs.map(async (x) => JSON.parse(await readFile(path.join(out, x.report), 'utf8')) as { trades: Array<{ signalId: string; exitReason: string; exitPrice: string }> }));
    const trail = reports.map((rep) => rep.trades.find((t) => t.signalId === 'fx-TRAIL'));
    expect(trail.map((t) => [t?.exitReason, t?.exitPrice])).toEqual([['profit_target', '10.4'], ['trailing_stop', '10.1']]);
    expect(r.stdout).toMatch(/scaling/);
  }, 240_000);

  it('refuses a bad command line with every problem, and runs nothing', async () => {
    const r = await backtest(['--bars', 'nowhere.csv', '--set', 'hardStopLossPct=-3', '--set', 'nonsense', '--rank', 'luck', '--from', '2026-02-30']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--signals FILE is required');
    expect(r.stderr).toContain('--set hardStopLossPct');
    expect(r.stderr).toContain('--set "nonsense": expected key=value');
    expect(r.stderr).toContain('--rank must be one of');
    expect(r.stderr).toContain('--from must be a New York date');
    expect(r.stdout).toBe('');
  });
});
