/**
 * Keel as a trader runs it (`src/main.ts` in its own process) with KEEL_WEBHOOK_URL pointing at a
 * local receiver: pressing the kill switch reaches the receiver as notifications (the halt and the
 * kill switch's end), each a JSON POST with `source: "keel"` and a stable key, and no secret in
 * any body. Independent of the wall clock's market hours: nothing here needs the market open.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { startKeelProcess, type KeelProcess } from '../support/keel-process.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

interface Received { path: string; body: Record<string, unknown>; raw: string }

let testDb: TestDb;
let receiver: http.Server;
let hookUrl = '';
const received: Received[] = [];
let keel: KeelProcess | null = null;
const dataDir = mkdtempSync(path.join(tmpdir(), 'keel-e2e-notify-'));
const API_TOKEN = 'e2e-notify-token-0123456789';

beforeAll(async () => {
  testDb = await createTestDb();
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url ?? '', body: JSON.parse(raw) as Record<string, unknown>, raw });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/keel-secret-path`;
});

afterAll(async () => {
  await keel?.stop();
  await testDb.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});

describe('notifications from a running Keel to a local webhook receiver', () => {
  it('sends the halt and the kill switch, as JSON with a stable key and no secret', { timeout: 60_000 }, async () => {
    keel = await startKeelProcess({ DATABASE_URL: testDb.url, KEEL_DATA_DIR: dataDir, PORT: '0', KEEL_API_TOKEN: API_TOKEN, KEEL_WEBHOOK_URL: hookUrl });
    const k = keel;
    await eventually(async () => expect((await k.api('GET', '/api/bot/status')).body).toMatchObject({ state: 'stopped', reconciled: true }));
    expect((await k.api('POST', '/api/bot/start')).body.state).toBe('running');

    const stop = await k.api('POST', '/api/bot/emergency-stop', { closePositions: false });
    expect(stop.status).toBe(200);
    expect(stop.body.state).toBe('halted');

    await eventually(async () => expect(received.map((r) => r.body.kind)).toEqual(expect.arrayContaining(['halt', 'kill_switch'])), { deadlineMs: 20_000 });
    for (const r of received) {
      expect(r.path).toBe('/hooks/keel-secret-path');
      expect(r.body).toMatchObject({ source: 'keel', key: expect.any(String), at: expect.any(Number), severity: expect.any(String) });
      expect(r.raw).not.toContain(API_TOKEN);
    }
    expect(received.find((r) => r.body.kind === 'halt')!.body.severity).toBe('critical');
    // the webhook URL's path is a secret: Keel's own output shows the origin only
    expect(k.output()).not.toContain('keel-secret-path');
    // a token from KEEL_API_TOKEN is never printed: the banner shows its first 4 characters
    expect(k.output()).not.toContain(API_TOKEN.slice(0, 5));
    expect(k.output()).toContain(`API token ${API_TOKEN.slice(0, 4)}…  (from KEEL_API_TOKEN)`);
  });
});
