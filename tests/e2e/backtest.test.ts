/**
 * The backtest runner on real PostgreSQL: the fixture session (tests/support/backtest-fixture.ts)
 * through Keel's whole engine on the virtual clock must produce exactly the trades it was built
 * for — each exit rule once, at the prices and times the intrabar path dictates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runBacktest, type BacktestRun } from '../../src/service/backtest/run-backtest.js';
import { backtestReport, type BacktestReport } from '../../src/service/backtest/backtest-report.js';
import { createTestDb, type TestDb } from '../support/test-db.js';
import { BACKTEST_FIXTURE_SETTINGS, et, fixtureBars, fixtureSignals } from '../support/backtest-fixture.js';

const iso = (hhmmss: string) => new Date(et(hhmmss)).toISOString();

describe('a backtest of the fixture session', () => {
  let t: TestDb;
  let run: BacktestRun;
  let report: BacktestReport;
  beforeAll(async () => {
    t = await createTestDb();
    run = await runBacktest({
      signals: fixtureSignals(), bars: fixtureBars(), settings: { ...BACKTEST_FIXTURE_SETTINGS },
      databaseUrl: t.url, dataDir: mkdtempSync(path.join(tmpdir(), 'keel-bt-')),
    });
    report = await backtestReport(run, { set: { ...BACKTEST_FIXTURE_SETTINGS }, signals: fixtureSignals().length });
  }, 180_000);
  afterAll(async () => {
    await run?.stop();
    await t?.close();
  });

  it('closes each trade by the rule the fixture was built for, at the next price after the decision', () => {
    const trade = (signalId: string, entryAt: string, exitAt: string, exitPrice: string, exitReason: string, pnl: string) => ({
      signalId, status: 'closed', entryAt: iso(entryAt), entryPrice: '10', shares: '10', exitAt: iso(exitAt), exitPrice, exitReason, pnl,
    });
    expect(report.trades.map(({ symbol: _symbol, ...rest }) => rest)).toEqual([
      trade('fx-HOLD', '10:00:15', '10:30:30', '10', 'time_exit', '0'),
      trade('fx-HSTP', '10:00:15', '10:05:45', '9.85', 'hard_stop', '-1.5'),
      trade('fx-PTGT', '10:00:15', '10:10:45', '10.65', 'profit_target', '6.5'),
      trade('fx-TRAIL', '10:00:15', '10:16:45', '10.1', 'trailing_stop', '1'),
      trade('fx-FCLS', '15:30:15', '15:45:15', '10', 'force_close_eod', '0'),
    ]);
  });

  it('reports the signal it did not take, with the gateway\'s reason', () => {
    expect(report.skipped).toEqual([{ signalId: 'fx-DUP', status: 'skipped_duplicate', reason: 'DUPLICATE_SYMBOL', detail: expect.any(String) }]);
  });

  it('summarises the run as /api/performance does, and says what it ran', () => {
    expect(report.summary).toMatchObject({ trades: 5, wins: 2, losses: 1, totalPnl: '6' });
    expect(report.settings.set).toEqual(BACKTEST_FIXTURE_SETTINGS);
    expect(report.settings.effective).toMatchObject({ ...BACKTEST_FIXTURE_SETTINGS, executionMode: 'full_auto' });
    expect(report.run).toMatchObject({ signals: 6, bars: 5 * 390, warnings: [] });
    expect(report.daily).toEqual([expect.objectContaining({ date: '2026-11-20', trades: 5, realizedPnl: '6' })]);
    expect(Object.keys(report.breakdowns)).toContain('exitReason');
  });
});
