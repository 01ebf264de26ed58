/**
 * Parity: the same signals and bars (the fixture session) through
 *  (a) the backtest — Keel on the virtual clock, the exchange in its process, no socket; and
 *  (b) the live service as `npm start` runs it — Keel's own config with paper keys pointing at the
 *      simulated exchange's server on loopback (REST and both websocket streams), Keel's live
 *      timings, a ManualClock moved by this test from one price of the tape to the next —
 * must make the same trades: same entries, exits, reasons, prices and P&L, and skip the same
 * signals. Any difference is a defect of the backtest (or of the live path).
 * (b) is driven the way the exchange would be: at each instant the clock moves, Keel settles, the
 * exchange produces that instant's prices (sync), Keel settles, the instant's signals are posted.
 * "Settles": no request in flight at the exchange, no statement in flight in Keel, and nothing new
 * for a few turns of the event loop (loopback frames are readable on the next turn).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runBacktest, type BacktestRun } from '../../src/service/backtest/run-backtest.js';
import { backtestReport, type BacktestTrade } from '../../src/service/backtest/backtest-report.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { createSimExchange } from '../../src/adapters/sim/engine/sim-exchange.js';
import { createSimServer, type SimServer } from '../../src/adapters/sim/server/sim-server.js';
import { BarTape } from '../../src/adapters/sim/market/bar-tape.js';
import { loadConfig } from '../../src/config/config.js';
import { startKeel, type KeelService } from '../../src/service/keel-service.js';
import { createTestDb, type TestDb } from '../support/test-db.js';
import { BACKTEST_FIXTURE_SETTINGS, fixtureBars, fixtureSignals } from '../support/backtest-fixture.js';

const QUIET_TURNS = 20;

describe('a backtest and the live service make the same trades', () => {
  const dbs: TestDb[] = [];
  let backtest: BacktestRun;
  let keel: KeelService | null = null;
  let sim: SimServer | null = null;
  let backtested: { trades: BacktestTrade[]; skipped: unknown[] };
  let live: { trades: BacktestTrade[]; skipped: unknown[] };

  beforeAll(async () => {
    const bars = fixtureBars();
    const signals = fixtureSignals();
    dbs.push(await createTestDb(), await createTestDb());
    backtest = await runBacktest({ signals, bars, settings: { ...BACKTEST_FIXTURE_SETTINGS }, databaseUrl: dbs[0]!.url, dataDir: mkdtempSync(path.join(tmpdir(), 'keel-parity-a-')) });
    backtested = await backtestReport(backtest, { set: {}, signals: signals.length });

    // (b): the live service against the exchange's server, on a clock this test moves
    const tape = new BarTape(bars);
    const clock = new ManualClock(backtest.from);
    const core = createSimExchange({ clock, tape, seed: 1, startingCash: 100_000 });
    let inFlight = 0;
    sim = await createSimServer({
      core, clock, onRequest: (_request, response) => {
        inFlight++;
        response.once('close', () => inFlight--);
      },
    });
    const loaded = loadConfig({
      DATABASE_URL: dbs[1]!.url, KEEL_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'keel-parity-b-')), PORT: '0',
      ALPACA_PAPER_URL: sim.tradingUrl, ALPACA_DATA_URL: sim.dataUrl, ALPACA_DATA_STREAM_URL: sim.dataStreamUrl('iex'),
      ALPACA_API_KEY: 'parity-key', ALPACA_API_SECRET: 'parity-secret',
    });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const warnings: string[] = [];
    keel = await startKeel(loaded.config, { clock, random: () => 0.5, warn: (m) => warnings.push(m), wallClockJobs: false });
    const service = keel;
    const settle = async () => {
      let quiet = 0;
      let seen = `${clock.now()}|${clock.pending}`;
      while (quiet < QUIET_TURNS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        const now = `${clock.now()}|${clock.pending}`;
        if (inFlight > 0 || !service.quiet() || now !== seen) quiet = 0;
        else quiet++;
        seen = now;
      }
    };
    const call = async (method: string, route: string, body?: unknown) => {
      const res = await service.request(route, {
        method, headers: { Authorization: `Bearer ${service.token.token}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() as Record<string, unknown> };
    };
    await settle();
    expect((await call('PATCH', '/api/bot/config', { executionMode: 'full_auto', ...BACKTEST_FIXTURE_SETTINGS })).status).toBe(200);
    expect((await call('POST', '/api/bot/start')).status).toBe(200);
    await settle();
    const instants = [...new Set([...tape.times, ...signals.map((s) => s.at), backtest.to])].filter((t) => t > clock.now() && t <= backtest.to).sort((a, b) => a - b);
    let next = 0;
    for (const t of instants) {
      clock.set(t);
      await settle();
      core.sync();
      await settle();
      while (next < signals.length && signals[next]!.at <= t) {
        expect((await call('POST', '/api/signals', signals[next++]!.body)).status).toBe(202);
        await settle();
      }
    }
    const liveRun = { ...backtest, keel: service, warnings, get: async (route: string) => (await call('GET', route)).body } as BacktestRun;
    live = await backtestReport(liveRun, { set: {}, signals: signals.length });
  }, 600_000);

  afterAll(async () => {
    await backtest?.stop();
    await keel?.stop();
    await sim?.close();
    for (const db of dbs) await db.close();
  });

  it('the same entries, exits, reasons, prices and P&L', () => {
    expect(backtested.trades).toHaveLength(5);
    expect(live.trades).toEqual(backtested.trades);
  });

  it('the same signals not taken, for the same reasons', () => {
    expect(live.skipped).toEqual(backtested.skipped);
  });
});
