/**
 * After rapid restarts the account's rate-limit window at Alpaca is spent: the boot's broker reads
 * (the reconciliation before a restored 'running') must wait for the window's reset — Keel must not
 * exceed the limit — but the wait must be visible and bounded. The whole service runs in-process on
 * the test's database, against the simulated exchange, on one ManualClock (the sim's window follows it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadBotConfig } from '../../src/adapters/postgres/index.js';
import { loadConfig } from '../../src/config/config.js';
import { startKeel, type KeelService } from '../../src/service/keel-service.js';
import { eventually } from '../support/eventually.js';
import { SESSION_OPEN, startSim, type SimHarness } from '../support/sim-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const KEY = 'PKRATELIMITED';
const SECRET = 'rate-limited-secret';
const TOKEN = 'rate-limit-test-token-0123456789';
const PER_MINUTE = 20;
const T0 = Date.parse(SESSION_OPEN); // the sim's window runs from T0 to T0 + 60 s

let t: TestDb;
let sim: SimHarness;
let keel: KeelService | null;
let dataDir: string;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  dataDir = await mkdtemp(path.join(tmpdir(), 'keel-rate-limit-'));
  sim = await startSim({ rateLimitPerMinute: PER_MINUTE });
  keel = null;
});
afterEach(async () => {
  await keel?.stop();
  await sim.close();
  await rm(dataDir, { recursive: true, force: true });
});

const api = async (route: string): Promise<{ status: number; body: any }> => {
  const response = await fetch(`${keel?.url}${route}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  return { status: response.status, body: await response.json() };
};

describe('a boot against a spent rate-limit window', () => {
  it('waits for the reset and says so in /healthz and the status, then starts', async () => {
    await loadBotConfig(t.db, T0);
    await t.db.updateTable('bot_config').set({ state: 'running' }).execute();
    // the previous processes spent this minute's budget on the same key
    for (let i = 0; i < PER_MINUTE; i++) {
      await sim.rest('/v2/clock', { headers: { 'APCA-API-KEY-ID': KEY, 'APCA-API-SECRET-KEY': SECRET } });
    }
    sim.clock.advance(2_000);
    const loaded = loadConfig({
      DATABASE_URL: t.url, KEEL_DATA_DIR: dataDir, PORT: '0', KEEL_API_TOKEN: TOKEN,
      ALPACA_PAPER_URL: sim.server.tradingUrl, ALPACA_DATA_URL: sim.server.dataUrl, ALPACA_DATA_STREAM_URL: sim.server.dataStreamUrl('iex'),
      ALPACA_API_KEY: KEY, ALPACA_API_SECRET: SECRET,
    });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    let warned!: () => void;
    const firstWarning = new Promise<void>((resolve) => { warned = resolve; });
    keel = await startKeel(loaded.config, { clock: sim.clock, random: () => 0.5, warn: () => warned() });
    // the reconciliation's first read got a 429 and the wait was reported (nothing else warns here)
    await firstWarning;

    // requests are held until the window resets at T0 + 60 s
    const status = await eventually(async () => {
      const answer = await api('/api/bot/status');
      expect(answer.body).toMatchObject({ starting: true, reconciled: false, brokerRateLimitedUntil: T0 + 60_000 });
      return answer.body;
    });
    expect(status.reconciled).toBe(false);

    // /healthz names the wait; its broker probe (queued behind the same window) answers within 3 s
    const sleepsBefore = sim.clock.sleeps.length;
    const health = fetch(`${keel.url}/healthz`);
    await eventually(async () => expect(sim.clock.sleeps.slice(sleepsBefore)).toContain(3_000));
    sim.clock.advance(3_000);
    const answer = await health;
    expect(answer.status).toBe(503);
    expect((await answer.json() as { starting: string }).starting)
      .toBe('starting: reconciling with the broker before running again — waiting for Alpaca\'s rate-limit window (resets in 58 s)');

    // bounded: at the reset the held requests go out, the reconciliation completes, Keel is ready
    sim.clock.advance(55_000);
    await eventually(async () => {
      const ready = await api('/api/bot/status');
      expect(ready.body).toMatchObject({ state: 'running', starting: false, reconciled: true, brokerRateLimitedUntil: null });
    });
  });
});
