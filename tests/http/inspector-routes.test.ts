/**
 * /api/inspector: the stream's resume and gap over real HTTP on loopback (an app over fakes, an
 * inspector fed by a real small machine), the answers against the OpenAPI document; then the whole
 * service in-process on real PostgreSQL and the simulated exchange: the real machines' graphs, the
 * bot's actor live, and its start seen step by step on the stream.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActor, setup, type AnyActorRef } from 'xstate';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { loadConfig } from '../../src/config/config.js';
import { createApp } from '../../src/http/app.js';
import { INSPECTOR_HEARTBEAT_MS } from '../../src/http/routes/inspector.routes.js';
import { createInspector, type Inspector, type InspectorEvent } from '../../src/service/inspector/inspector.js';
import { startKeel, type KeelService } from '../../src/service/keel-service.js';
import { schemaErrors, useApiContract } from '../support/api-contract.js';
import { eventually } from '../support/eventually.js';
import { FakeBotControl } from '../support/fake-bot-control.js';
import { FakePipelineControl } from '../support/fake-pipeline-control.js';
import { startSim, type SimHarness } from '../support/sim-harness.js';
import { openSseStream } from '../support/sse-client.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const TOKEN = 'inspector-test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

const toggle = setup({ types: { events: {} as { type: 'FLIP' } } }).createMachine({
  id: 'toggle', initial: 'off', states: { off: { on: { FLIP: 'on' } }, on: { on: { FLIP: 'off' } } },
});

describe('/api/inspector over an app with a small inspector', () => {
  const contract = useApiContract();
  let server: ServerType;
  let base: string;
  let clock: ManualClock;
  let inspector: Inspector;
  let actor: AnyActorRef & { send(e: { type: 'FLIP' }): void; stop(): void };
  const streams: Array<{ close(): Promise<void> }> = [];
  let app: ReturnType<typeof createApp>;

  beforeEach(async () => {
    clock = new ManualClock(1_000);
    inspector = createInspector({ clock, capacity: 3 });
    app = contract.check(createApp({
      control: new FakeBotControl(), pipeline: new FakePipelineControl(), apiToken: TOKEN, clock, logError: () => {},
      inspector: { inspector, machines: async () => [] },
    }));
    server = await new Promise<ServerType>((resolve) => { const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s)); });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inspector`;
    actor = createActor(toggle, { id: 'toggle-1', inspect: inspector.observer }).start() as typeof actor;
  });

  afterEach(async () => {
    for (const s of streams.splice(0)) await s.close();
    actor.stop();
    await new Promise<void>((resolve) => { server.close(() => resolve()); (server as { closeAllConnections?: () => void }).closeAllConnections?.(); });
  });

  const open = async (query = '', headers: Record<string, string> = {}) => {
    const stream = await openSseStream(`${base}/events${query}`, { ...auth, ...headers });
    streams.push(stream);
    return stream;
  };
  const steps = (stream: { named(type: string): Array<{ data: string }> }) => stream.named('step').map((e) => JSON.parse(e.data) as InspectorEvent);

  it('refuses a caller without credentials, on every inspector route (401)', async () => {
    for (const route of ['/machines', '/actors', '/events']) {
      const res = await fetch(`${base}${route}`);
      expect(res.status, route).toBe(401);
      await res.body?.cancel();
    }
  });

  it('lists the live actors with the sequence number they are current at', async () => {
    actor.send({ type: 'FLIP' });
    const res = await app.request('/api/inspector/actors', { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      items: [{ id: 'toggle-1', machine: 'toggle', parentId: null, state: ['on'], status: 'active', tradeId: null, symbol: null, since: 1_000, updatedAt: 1_000 }],
      lastSeq: 2,
    });
  });

  it('starts at the present without a resume point, then streams each step with its sequence number as the id', async () => {
    const stream = await open();
    expect(stream.res.headers.get('content-type')).toContain('text/event-stream');
    actor.send({ type: 'FLIP' });
    await eventually(async () => expect(stream.named('step')).toHaveLength(1));
    expect(stream.named('step')[0]!.id).toBe('2');
    expect(steps(stream)[0]).toMatchObject({ seq: 2, actorId: 'toggle-1', machine: 'toggle', kind: 'transition', event: 'FLIP', state: ['on'], transitions: [{ source: 'off', targets: ['on'], event: 'FLIP' }] });
    for (const e of steps(stream)) expect(schemaErrors('/components/schemas/InspectorEvent', e)).toEqual([]);
  });

  it('resumes after Last-Event-ID (over ?since=) with exactly what was missed', async () => {
    actor.send({ type: 'FLIP' });
    actor.send({ type: 'FLIP' });
    const stream = await open('?since=0', { 'last-event-id': '2' });
    await eventually(async () => expect(stream.named('step')).toHaveLength(1));
    expect(stream.named('step').map((e) => e.id)).toEqual(['3']);
    expect(stream.named('gap')).toEqual([]);
    const fromQuery = await open('?since=1');
    await eventually(async () => expect(fromQuery.named('step').map((e) => e.id)).toEqual(['2', '3']));
  });

  it('tells a client that fell too far behind which events it missed, then sends the ones still held', async () => {
    for (let i = 0; i < 4; i++) actor.send({ type: 'FLIP' });
    // seq 1..5 recorded; the ring holds the newest 3: 3, 4, 5
    const stream = await open('?since=1');
    await eventually(async () => expect(stream.named('step').map((e) => e.id)).toEqual(['3', '4', '5']));
    expect(stream.named('gap').map((e) => JSON.parse(e.data))).toEqual([{ after: 1, resumedFrom: 3 }]);
    // an id from an earlier process (ahead of this one's newest) is a gap too
    const stale = await open('', { 'last-event-id': '900' });
    await eventually(async () => expect(stale.named('step').map((e) => e.id)).toEqual(['3', '4', '5']));
    expect(stale.named('gap').map((e) => JSON.parse(e.data))).toEqual([{ after: 900, resumedFrom: 3 }]);
  });

  it('refuses a `since` that is not a sequence number (400, nothing streamed)', async () => {
    const res = await app.request('/api/inspector/events?since=abc', { headers: auth });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', issues: [{ path: 'since' }] } });
  });

  it('keeps a quiet stream open with a heartbeat on the injected clock', async () => {
    const stream = await open();
    await eventually(async () => expect(clock.pending).toBe(1));
    clock.advance(INSPECTOR_HEARTBEAT_MS);
    await eventually(async () => expect(clock.pending).toBe(1));
    actor.send({ type: 'FLIP' });
    await eventually(async () => expect(stream.named('step')).toHaveLength(1));
  });
});

describe('/api/inspector on the whole service (real PostgreSQL, the simulated exchange)', () => {
  let t: TestDb;
  let sim: SimHarness;
  let keel: KeelService;
  let dataDir: string;

  beforeAll(async () => {
    t = await createTestDb();
    dataDir = await mkdtemp(path.join(tmpdir(), 'keel-inspector-'));
    sim = await startSim({});
    const loaded = loadConfig({
      DATABASE_URL: t.url, KEEL_DATA_DIR: dataDir, PORT: '0', KEEL_API_TOKEN: TOKEN,
      ALPACA_PAPER_URL: sim.server.tradingUrl, ALPACA_DATA_URL: sim.server.dataUrl, ALPACA_DATA_STREAM_URL: sim.server.dataStreamUrl('iex'),
      ALPACA_API_KEY: 'PKINSPECTOR', ALPACA_API_SECRET: 'inspector-secret',
    });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    keel = await startKeel(loaded.config, { clock: sim.clock, random: () => 0.5, warn: () => undefined });
  }, 60_000);

  afterAll(async () => {
    await keel?.stop();
    await sim?.close();
    await t?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const get = async (route: string) => {
    const res = await fetch(`${keel.url}${route}`, { headers: auth });
    return { status: res.status, body: await res.json() as any };
  };

  it('serves the graphs of the machines that run, laid out, and valid against the document', async () => {
    const { status, body } = await get('/api/inspector/machines');
    expect(status).toBe(200);
    expect(schemaErrors('/components/schemas/InspectorMachines', body)).toEqual([]);
    expect(body.items.map((m: { machine: string }) => m.machine)).toEqual(['bot', 'position']);
    const position = body.items[1];
    const ids = position.states.map((s: { id: string }) => s.id);
    for (const state of ['pending_entry', 'open', 'exiting', 'closed']) expect(ids).toContain(state);
    expect(position.layout.nodes.length).toBeGreaterThanOrEqual(ids.length);
    expect(position.layout.edges.every((e: { points: unknown[] }) => e.points.length >= 2)).toBe(true);
    // computed once: the second answer is the same
    expect((await get('/api/inspector/machines')).body).toEqual(body);
  });

  it("lists the bot's actor, and streams its start step by step", async () => {
    const before = await eventually(async () => {
      const answer = await get('/api/inspector/actors');
      expect(answer.body.items[0]).toMatchObject({ id: 'bot', machine: 'bot', status: 'active', state: ['stopped'], parentId: null });
      return answer.body;
    });
    expect(schemaErrors('/components/schemas/InspectorActors', before)).toEqual([]);
    const stream = await openSseStream(`${keel.url}/api/inspector/events?since=${before.lastSeq}`, auth);
    try {
      const start = await fetch(`${keel.url}/api/bot/start`, { method: 'POST', headers: auth });
      expect((await start.json() as { state: string }).state).toBe('running');
      await eventually(async () => {
        const botSteps = stream.named('step').map((e) => JSON.parse(e.data) as InspectorEvent).filter((e) => e.actorId === 'bot' && e.kind === 'transition');
        expect(botSteps.map((e) => e.state[0])).toEqual(expect.arrayContaining(['starting', 'committing', 'running']));
        // the boot's own reconciliation may report (RECONCILED) before the start: the start's step is the one named START
        expect(botSteps.find((e) => e.event === 'START')).toMatchObject({ transitions: [{ source: 'stopped', targets: ['starting'] }] });
      });
      expect((await get('/api/inspector/actors')).body.items[0].state).toEqual(['running']);
    } finally {
      await stream.close();
    }
    await fetch(`${keel.url}/api/bot/stop`, { method: 'POST', headers: auth });
  });
});
