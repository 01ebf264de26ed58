/**
 * `npm run demo` as a newcomer runs it, at whatever hour the test runs: Keel on the simulated
 * exchange, its market time 60× faster from 09:25 New York of the latest session, signals from the
 * built-in feed. Within two minutes of wall time trades are there in /api/trades, and one has
 * closed by an exit rule. The environment it is started in names a paper account and a database
 * server (unreachable ones): the demo must use neither.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startKeelProcess, type KeelProcess } from '../support/keel-process.js';

/** the bound for a newcomer: trades within two minutes of wall time */
const WITHIN_MS = 120_000;

let keel: KeelProcess | null = null;
const dataDir = mkdtempSync(path.join(tmpdir(), 'keel-demo-'));

afterAll(async () => {
  await keel?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('shows trades, one of them closed by an exit rule, within two minutes at any hour, on its own data only', async () => {
    const startedAt = performance.now();
    keel = await startKeelProcess(
      {
        PORT: '0',
        // a paper account and a database server the demo must never use (nothing listens there)
        ALPACA_API_KEY: 'PKNOTUSEDBYTHEDEMO', ALPACA_API_SECRET: 'not-used-by-the-demo', ALPACA_PAPER_URL: 'http://127.0.0.1:9',
        DATABASE_URL: 'postgres://keel:secret@127.0.0.1:9/not_the_demos',
        KEEL_DATA_DIR: path.join(dataDir, 'not-the-demos'),
      },
      { path: 'src/cli/demo.ts', args: ['--data-dir', path.join(dataDir, 'demo')], dataDir: path.join(dataDir, 'demo') },
    );
    expect(keel.output()).toMatch(/broker\s+simulated exchange/);
    // its own embedded database, under its own directory (or moved where the postgres user can reach
    // it, when that directory is root's alone — the banner names the directory either way)
    const database = /database\s+(.*)/.exec(keel.output())?.[1] ?? '';
    expect(database).toMatch(/^embedded PostgreSQL/);
    expect(database).toContain(path.join(dataDir, 'demo'));
    // an hour of market time after the open: every entry of the first half hour has met an exit
    // rule by then (the demo's max hold is 45 minutes)
    await keel.waitForOutput(/demo: \d{4}-\d\d-\d\d 10:(2\d|3\d|4\d|5\d) ET/, WITHIN_MS - (performance.now() - startedAt));
    const { status, body } = await keel.api('GET', '/api/trades?limit=100');
    expect(status).toBe(200);
    const trades = body.items as Array<{ status: string; exitReason: string | null; pnl: string | null; symbol: string }>;
    expect(trades.length).toBeGreaterThan(0);
    const closed = trades.filter((t) => t.status === 'closed');
    expect(closed.length).toBeGreaterThan(0);
    for (const t of closed) {
      // the demo runs Keel's defaults: the protective stop at the broker may be the one that sells
      expect(['hard_stop', 'broker_stop', 'profit_target', 'trailing_stop', 'time_exit', 'force_close_eod']).toContain(t.exitReason);
      expect(t.pnl).not.toBeNull();
    }
    expect(performance.now() - startedAt).toBeLessThan(WITHIN_MS);
  }, WITHIN_MS + 30_000);
});
