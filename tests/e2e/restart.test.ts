/**
 * Keel as a trader runs it: `src/main.ts` in its own process, on the test run's real PostgreSQL,
 * with no Alpaca keys (so the simulated exchange runs in-process). The lifecycle is driven over
 * the HTTP API, the process is stopped with SIGINT (Ctrl-C) and a NEW process on the same database
 * must come back in the same state — running only once reconciliation has succeeded.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { startKeelProcess, type KeelProcess } from '../support/keel-process.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

let testDb: TestDb;
let dataDir: string;
const running: KeelProcess[] = [];

async function start(): Promise<KeelProcess> {
  const keel = await startKeelProcess({ DATABASE_URL: testDb.url, KEEL_DATA_DIR: dataDir, PORT: '0' });
  running.push(keel);
  return keel;
}

async function stop(keel: KeelProcess): Promise<void> {
  running.splice(running.indexOf(keel), 1);
  expect(await keel.stop()).toBe(0);
  expect(keel.output()).toContain('Keel stopped.');
}

/** the state once any restore-after-reconciliation has finished */
async function settledState(keel: KeelProcess): Promise<string> {
  return eventually(async () => {
    const { body } = await keel.api('GET', '/api/bot/status');
    if (body.starting) throw new Error('still reconciling');
    return body.state as string;
  });
}

/** the settled state, with the process's own output when it is not the expected one */
async function expectSettled(keel: KeelProcess, expected: string): Promise<void> {
  const state = await settledState(keel);
  const journal = state === expected ? '' : JSON.stringify((await keel.api('GET', '/api/reconciliation')).body);
  expect(state, `${keel.output()}\nlast reconciliation: ${journal}`).toBe(expected);
}

beforeAll(async () => {
  testDb = await createTestDb();
  dataDir = mkdtempSync(path.join(tmpdir(), 'keel-e2e-'));
});

afterAll(async () => {
  for (const keel of running.splice(0)) await keel.stop();
  await testDb.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a Keel process, restarted on the same database', () => {
  it('walks the lifecycle over HTTP and comes back in each persisted state', async () => {
    const first = await start();
    // the token is generated once and kept in the data dir; printed whole on that start only
    expect(readFileSync(path.join(dataDir, 'api-token'), 'utf8').trim()).toBe(first.token);
    expect(first.output()).toContain(first.token);
    await expectSettled(first, 'stopped');
    expect((await first.api('POST', '/api/bot/start')).body.state).toBe('running');
    expect((await first.api('POST', '/api/bot/pause')).body.state).toBe('paused');
    expect((await first.api('POST', '/api/bot/resume')).body.state).toBe('running');
    await stop(first);

    const second = await start();
    expect(second.token).toBe(first.token);
    expect(second.output()).not.toContain(first.token.slice(0, 5));
    expect(second.output()).toContain(`API token ${first.token.slice(0, 4)}…`);
    await expectSettled(second, 'running');
    const status = (await second.api('GET', '/api/bot/status')).body;
    expect(status.reconciled).toBe(true);
    expect(status.stuckExits).toEqual([]);
    expect((await second.api('POST', '/api/bot/pause')).body.state).toBe('paused');
    await stop(second);

    const third = await start();
    await expectSettled(third, 'paused');
    const refused = await third.api('POST', '/api/bot/start');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('INVALID_TRANSITION');
    expect((await third.api('POST', '/api/bot/stop')).body.state).toBe('stopped');
    await stop(third);

    const fourth = await start();
    await expectSettled(fourth, 'stopped');
    const reconciliation = await fourth.api('GET', '/api/reconciliation');
    expect(reconciliation.status).toBe(200);
    expect(reconciliation.body.ok).toBe(true);
    await stop(fourth);
  }, 60_000); // four Keel processes, each with its embedded PostgreSQL
});
