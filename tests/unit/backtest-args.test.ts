import { describe, expect, it } from 'vitest';
import { readBacktestArgs, settingValue } from '../../src/cli/backtest/backtest-args.js';
import { rankRuns, sweepGrid } from '../../src/cli/backtest/sweep.js';

describe('npm run backtest options', () => {
  it('reads values as JSON where they parse, else as text', () => {
    expect([settingValue('5'), settingValue('null'), settingValue('true'), settingValue('full_auto'), settingValue('"x"')]).toEqual([5, null, true, 'full_auto', 'x']);
  });

  it('lists every problem at once, --set checked by the settings schema', () => {
    const r = readBacktestArgs(['--set', 'hardStopLossPct=200', '--set', 'noSuchSetting=1', '--sweep', 'trailingStopPct=2,abc', '--workers', '0', '--to', '2026-11-01', '--from', '2026-11-02'], '/tmp');
    expect(r.ok).toBe(false);
    const problems = (r as { problems: string[] }).problems;
    expect(problems.some((p) => p.startsWith('--signals FILE is required'))).toBe(true);
    expect(problems.some((p) => p.startsWith('--set hardStopLossPct'))).toBe(true);
    expect(problems.some((p) => p.includes('noSuchSetting'))).toBe(true);
    expect(problems.some((p) => p.startsWith('--sweep trailingStopPct="abc"'))).toBe(true);
    expect(problems.some((p) => p.startsWith('--workers'))).toBe(true);
    expect(problems.some((p) => p.includes('is after --to'))).toBe(true);
  });

  it('bounds the window by New York days and resolves paths from the working directory', () => {
    const r = readBacktestArgs(['--signals', 's.jsonl', '--bars', 'bars', '--from', '2026-11-20', '--to', '2026-11-20'], '/work');
    expect(r.ok).toBe(true);
    const o = (r as { options: { signals: string; bars: string; from: number; to: number; rank: string } }).options;
    expect(o.signals).toBe('/work/s.jsonl');
    expect(o.bars).toBe('/work/bars');
    expect(new Date(o.from).toISOString()).toBe('2026-11-20T05:00:00.000Z');
    expect(new Date(o.to).toISOString()).toBe('2026-11-21T04:59:59.999Z');
    expect(o.rank).toBe('expectancy');
  });
});

describe('a sweep', () => {
  it('runs every combination of the swept values, each with the --set ones', () => {
    const grid = sweepGrid({ maxHoldDurationSec: 600 }, [{ key: 'hardStopLossPct', values: [5, 7] }, { key: 'trailingStopPct', values: [3, null] }]);
    expect(grid.map((p) => p.swept)).toEqual([
      { hardStopLossPct: 5, trailingStopPct: 3 }, { hardStopLossPct: 5, trailingStopPct: null },
      { hardStopLossPct: 7, trailingStopPct: 3 }, { hardStopLossPct: 7, trailingStopPct: null },
    ]);
    expect(grid[3]!.settings).toEqual({ maxHoldDurationSec: 600, hardStopLossPct: 7, trailingStopPct: null });
  });

  it('ranks by the metric, highest first; runs without the figure last; ties in the grid\'s order', () => {
    const runs = [
      { index: 0, summary: { expectancy: '1.5' } }, { index: 1, summary: { expectancy: null } },
      { index: 2, summary: { expectancy: '3' } }, { index: 3, summary: { expectancy: '1.5' } }, { index: 4, summary: { expectancy: '-2' } },
    ];
    expect(rankRuns(runs, 'expectancy').map((r) => r.index)).toEqual([2, 0, 3, 4, 1]);
  });
});
