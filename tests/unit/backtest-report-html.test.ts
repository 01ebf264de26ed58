import { describe, expect, it } from 'vitest';
import { reportHtml, summaryTable } from '../../src/cli/backtest/report-files.js';
import type { BacktestReport } from '../../src/service/backtest/backtest-report.js';

const report = (): BacktestReport => ({
  settings: { set: { hardStopLossPct: 2 }, effective: {} },
  run: { signals: 2, bars: 780, from: '2026-11-20T14:25:00.000Z', to: '2026-11-20T21:00:45.000Z', wallMs: 1500, barsPerSecond: 520, pricesDelivered: 40, warnings: [] },
  summary: { trades: 1, winRate: 1, totalPnl: '6.5', expectancy: '6.5', profitFactor: null, maxDrawdownUsd: null, maxDrawdownPct: null, sharpe: null },
  equityCurve: [{ t: 1, equity: '100000' }, { t: 2, equity: '100006.5' }],
  daily: [{ date: '2026-11-20', trades: 1, winRate: 1, realizedPnl: '6.5' }],
  breakdowns: { catalystType: [{ key: '<script>alert(1)</script>', trades: 1, winRate: 1, totalPnl: '6.5', profitFactor: null }] },
  trades: [{ signalId: 's1', symbol: 'PTGT', status: 'closed', entryAt: '2026-11-20T15:00:15.000Z', entryPrice: '10', shares: '10', exitAt: '2026-11-20T15:10:45.000Z', exitPrice: '10.65', exitReason: 'profit_target', pnl: '6.5' }],
  skipped: [{ signalId: 's2', status: 'skipped', reason: 'MAX_CONCURRENT_POSITIONS', detail: '3 live trades, limit 3' }],
});

describe('a backtest\'s report for people', () => {
  it('is one page with no script, every value escaped, times in New York', () => {
    const html = reportHtml(report());
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('2026-11-20 10:00:15 ET');
    expect(html).toContain('MAX_CONCURRENT_POSITIONS');
    expect(html).toMatch(/<svg[^>]*aria-label="Equity curve from 100000.00 to 100006.50"/);
    expect(html).not.toMatch(/<link|src=|@import/); // nothing fetched
  });

  it('prints the figures a trader reads first on the terminal', () => {
    const table = summaryTable(report());
    expect(table).toMatch(/trades\s+1/);
    expect(table).toMatch(/win rate\s+100\.0%/);
    expect(table).toMatch(/total P&L\s+\$6\.50/);
    expect(table).toMatch(/exits\s+profit_target 1/);
    expect(table).toMatch(/signals skipped\s+1/);
  });
});
