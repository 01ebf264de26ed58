/**
 * Two Keel processes (`src/main.ts`, as a trader runs it) on ONE database: the second finds the
 * writer lease held and serves read-only — status, config, trades and the last reconciliation
 * readable, every change refused with 409 ANOTHER_INSTANCE_ACTIVE. When the first stops (Ctrl-C),
 * the second takes the lease on its next poll (5 s, the service's default: the processes run on
 * the real clock), restores the persisted state after reconciling, exactly like a restart, and
 * from then on accepts changes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listJournal } from '../../src/adapters/postgres/index.js';
import { eventually } from '../support/eventually.js';
import { startKeelProcess, type KeelProcess } from '../support/keel-process.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

/** the lease is polled every 5 s; allow the stop, one poll and the reconciliation */
const TAKEOVER_DEADLINE_MS = 20_000;

let testDb: TestDb;
const dataDirs: string[] = [];
const running: KeelProcess[] = [];

/** each process has its own data dir (as on two hosts); they share only the database */
async function start(): Promise<KeelProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'keel-e2e-lease-'));
  dataDirs.push(dataDir);
  const keel = await startKeelProcess({ DATABASE_URL: testDb.url, KEEL_DATA_DIR: dataDir, PORT: '0' });
  running.push(keel);
  return keel;
}

async function stop(keel: KeelProcess): Promise<void> {
  running.splice(running.indexOf(keel), 1);
  expect(await keel.stop()).toBe(0);
}

async function status(keel: KeelProcess): Promise<Record<string, unknown>> {
  const { status: code, body } = await keel.api('GET', '/api/bot/status');
  expect(code).toBe(200);
  return body;
}

beforeAll(async () => { testDb = await createTestDb(); });

afterAll(async () => {
  for (const keel of running.splice(0)) await keel.stop();
  await testDb.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('two Keel processes on one database', () => {
  it('the second is read-only while the first writes, and takes over after it stops', { timeout: 60_000 }, async () => {
    const first = await start();
    await eventually(async () => expect(await status(first)).toMatchObject({ state: 'stopped', reconciled: true }));
    expect((await first.api('POST', '/api/bot/start')).body.state).toBe('running');

    const second = await start();
    expect(await status(second)).toMatchObject({ state: 'running', starting: false, reconciled: false, allowedActions: [], readOnly: true, writer: 'another instance' });
    for (const action of ['start', 'pause', 'stop']) {
      const refused = await second.api('POST', `/api/bot/${action}`);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('ANOTHER_INSTANCE_ACTIVE');
    }
    const patch = await second.api('PATCH', '/api/bot/config', { maxTradesPerDay: 3 });
    expect(patch.status).toBe(409);
    expect(patch.body.error.code).toBe('ANOTHER_INSTANCE_ACTIVE');
    const mode = await second.api('PUT', '/api/bot/mode', { mode: 'paper' });
    expect(mode.body.error.code).toBe('ANOTHER_INSTANCE_ACTIVE');
    for (const route of ['/api/trades', '/api/bot/config', '/api/reconciliation']) {
      expect((await second.api('GET', route)).status, route).toBe(200);
    }
    expect((await second.api('GET', '/api/reconciliation')).body.ok).toBe(true); // the first's report

    // the first instance is unaffected by the second
    expect(await status(first)).toMatchObject({ state: 'running', reconciled: true });
    expect(await status(first)).not.toHaveProperty('readOnly');
    expect((await first.api('GET', '/api/bot/config')).body.maxTradesPerDay).not.toBe(3);

    await stop(first);
    const taken = await eventually(async () => {
      const body = await status(second);
      if (body.readOnly || body.starting) throw new Error(`not yet the writer: ${JSON.stringify(body)}`);
      return body;
    }, { deadlineMs: TAKEOVER_DEADLINE_MS });
    expect(taken).toMatchObject({ state: 'running', reconciled: true });
    const journal = await listJournal(testDb.db, { kinds: ['startup'], limit: 1_000 });
    expect(journal.filter((e) => e.message === 'instance took over the writer lease')).toHaveLength(1);

    expect((await second.api('POST', '/api/bot/stop')).body.state).toBe('stopped');
    const restarted = await second.api('POST', '/api/bot/start');
    expect(restarted.status).toBe(200);
    expect(restarted.body).toMatchObject({ state: 'running', reconciled: true });
    await stop(second);
  });
});
