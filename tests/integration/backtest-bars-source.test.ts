/**
 * Where a backtest's bars come from (src/cli/backtest/bars-source.ts): files and directories with
 * every problem named by file and line; `synthetic` with nothing configured; `alpaca` through Keel's
 * real market-data client (paged by next_page_token) against the simulated exchange's bars
 * endpoint on loopback, saved to the cache and read from it the next time without a request.
 */
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBars } from '../../src/cli/backtest/bars-source.js';
import { startSim, type SimHarness } from '../support/sim-harness.js';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'keel-bars-'));
const request = (source: string, extra: Partial<Parameters<typeof loadBars>[0]> = {}) => ({
  source, symbols: new Map<string, number | null>([['AAPL', null], ['MSFT', null]]), firstDate: '2026-11-20', lastDate: '2026-11-20',
  cacheDir: path.join(tmp(), 'cache'), env: {}, ...extra,
});

describe('backtest bars', () => {
  it('reads a directory of CSV and JSON Lines files, and names each problem by file and line', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'a.csv'), 'symbol,t,o,h,l,c,v\nAAPL,2026-11-20T14:30:00Z,10,11,9,10.5,100\n');
    writeFileSync(path.join(dir, 'b.jsonl'), '{"S":"MSFT","t":"2026-11-20T14:30:00Z","o":20,"h":21,"l":19,"c":20,"v":5}\n');
    writeFileSync(path.join(dir, 'notes.txt'), 'not bars');
    const ok = await loadBars(request(dir));
    expect(ok.ok && ok.bars.map((b) => [b.symbol, b.c])).toEqual([['AAPL', 10.5], ['MSFT', 20]]);

    writeFileSync(path.join(dir, 'c.csv'), 'symbol,t,o,h,l,c,v\nAAPL,2026-11-20T14:30:00Z,10,11,9,10.5,100\n');
    writeFileSync(path.join(dir, 'd.csv'), 'symbol,t,o,h,l,c,v\nAAPL,2026-11-20T14:31:00Z,10,11,9,10,1\nAAPL,2026-11-20T14:32:00Z,10,9,11,10,1\n');
    const bad = await loadBars(request(dir));
    expect(bad.ok).toBe(false);
    const problems = (bad as { problems: string[] }).problems;
    expect(problems.some((p) => p.startsWith('d.csv: line 3'))).toBe(true);
    expect(problems.some((p) => p.startsWith('c.csv: a second bar for AAPL') && p.includes('also in a.csv'))).toBe(true);
  });

  it('refuses a missing path and an empty directory', async () => {
    const empty = tmp();
    mkdirSync(path.join(empty, 'sub'));
    expect(await loadBars(request(path.join(empty, 'nope.csv')))).toEqual({ ok: false, problems: [expect.stringContaining('no such file or directory')] });
    expect(await loadBars(request(empty))).toEqual({ ok: false, problems: [expect.stringContaining('no .csv or .jsonl file')] });
  });

  it('generates the regular session\'s minutes for the signals\' symbols with nothing configured, the same each time', async () => {
    const a = await loadBars(request('synthetic'));
    const b = await loadBars(request('synthetic'));
    expect(a.ok && a.bars.length).toBe(2 * 390);
    expect(a).toEqual(b);
  });

  describe('from Alpaca\'s historical bars', () => {
    let sim: SimHarness;
    beforeAll(async () => { sim = await startSim({}, '2026-11-21T15:00:00Z'); });
    afterAll(async () => { await sim.close(); });

    it('fetches them with the paper keys, every page, and reads the cache the next time', async () => {
      const env = { ALPACA_API_KEY: 'key', ALPACA_API_SECRET: 'secret', ALPACA_DATA_URL: sim.server.dataUrl, ALPACA_PAPER_URL: sim.server.tradingUrl };
      const cacheDir = path.join(tmp(), 'cache');
      const first = await loadBars(request('alpaca', { env, cacheDir }));
      expect(first.ok).toBe(true);
      const bars = (first as { bars: Array<{ symbol: string; t: number }> }).bars;
      expect(bars.filter((b) => b.symbol === 'AAPL')).toHaveLength(390); // the regular session only
      const requests = sim.server.faults.requests.filter((r) => r.path === '/v2/stocks/bars').length;
      expect(requests).toBeGreaterThanOrEqual(1);
      const again = await loadBars(request('alpaca', { env, cacheDir }));
      expect(again.ok && again.description).toMatch(/from the cache/);
      expect(sim.server.faults.requests.filter((r) => r.path === '/v2/stocks/bars').length).toBe(requests);
      expect((again as { bars: unknown[] }).bars).toHaveLength(bars.length);
    });

    it('says what is missing without the paper keys', async () => {
      const r = await loadBars(request('alpaca', { env: {} }));
      expect(r).toEqual({ ok: false, problems: [expect.stringMatching(/needs the paper keys: .*ALPACA_API_KEY/)] });
    });
  });
});
