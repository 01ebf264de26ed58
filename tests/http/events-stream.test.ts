/**
 * GET /api/events over real HTTP on loopback: a server-sent-events client reads the stream as a
 * browser would (Last-Event-ID on reconnect); the heartbeat runs on a ManualClock.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { createApp } from '../../src/http/app.js';
import { createEventHub, type EventHub } from '../../src/http/live/event-hub.js';
import { HEARTBEAT_MS } from '../../src/http/routes/events.routes.js';
import { eventually } from '../support/eventually.js';
import { FakeBotControl } from '../support/fake-bot-control.js';
import { FakePipelineControl } from '../support/fake-pipeline-control.js';
import { openSseStream } from '../support/sse-client.js';

const TOKEN = 'events-test-token-0123456789abcdef';

describe('GET /api/events', () => {
  let server: ServerType;
  let url: string;
  let hub: EventHub;
  let clock: ManualClock;
  let control: FakeBotControl;
  const streams: Array<{ close(): Promise<void> }> = [];

  beforeEach(async () => {
    clock = new ManualClock();
    hub = createEventHub(3);
    control = new FakeBotControl();
    const app = createApp({ control, pipeline: new FakePipelineControl(), apiToken: TOKEN, clock, events: hub, logError: () => {} });
    server = await new Promise<ServerType>((resolve) => { const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s)); });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events`;
  });

  afterEach(async () => {
    for (const s of streams.splice(0)) await s.close();
    await new Promise<void>((resolve) => { server.close(() => resolve()); (server as { closeAllConnections?: () => void }).closeAllConnections?.(); });
  });

  const open = async (headers?: Record<string, string>) => {
    const stream = await openSseStream(url, { authorization: `Bearer ${TOKEN}`, ...headers });
    streams.push(stream);
    return stream;
  };

  it('refuses a caller without credentials (401)', async () => {
    const res = await fetch(url);
    expect(res.status).toBe(401);
    await res.body?.cancel();
  });

  it('opens with a status snapshot, then streams events with increasing ids', async () => {
    const stream = await open();
    expect(stream.res.headers.get('content-type')).toContain('text/event-stream');
    await eventually(async () => expect(stream.named('status')).toHaveLength(1));
    expect(JSON.parse(stream.named('status')[0]!.data)).toMatchObject({ state: 'stopped', allowedActions: ['start'] });
    hub.publish('signal', { signalId: 's1', outcome: 'fired', tradeId: 't1' });
    hub.publish('trade', { tradeId: 't1', symbol: 'AAPL', change: 'opened' });
    await eventually(async () => expect(stream.events.filter((e) => e.event !== 'status')).toHaveLength(2));
    const [signal, trade] = stream.events.filter((e) => e.event !== 'status');
    expect(signal).toEqual({ event: 'signal', id: '1', data: JSON.stringify({ signalId: 's1', outcome: 'fired', tradeId: 't1' }) });
    expect(trade).toMatchObject({ event: 'trade', id: '2' });
  });

  it('sends a status heartbeat every 5 s of the clock, carrying the newest id already sent', async () => {
    const stream = await open();
    await eventually(async () => expect(stream.named('status')).toHaveLength(1));
    await eventually(async () => expect(clock.pending).toBe(1));
    clock.advance(HEARTBEAT_MS - 1);
    control.state = 'running';
    await eventually(async () => expect(clock.pending).toBe(1));
    expect(stream.named('status')).toHaveLength(1);
    clock.advance(1);
    await eventually(async () => expect(stream.named('status')).toHaveLength(2));
    expect(JSON.parse(stream.named('status')[1]!.data).state).toBe('running');
    expect(stream.named('status')[1]!.id).toBe('0');
    await eventually(async () => expect(clock.pending).toBe(1));
    clock.advance(HEARTBEAT_MS);
    await eventually(async () => expect(stream.named('status')).toHaveLength(3));
  });

  it('resumes after Last-Event-ID with exactly the events missed', async () => {
    hub.publish('signal', { n: 1 });
    hub.publish('signal', { n: 2 });
    hub.publish('trade', { n: 3 });
    const stream = await open({ 'last-event-id': '1' });
    await eventually(async () => expect(stream.named('status')).toHaveLength(1));
    expect(stream.events.map((e) => `${e.event}:${e.id}`)).toEqual(['signal:2', 'trade:3', 'status:3']);
  });

  it('tells a client whose Last-Event-ID has left the ring to reload (reset), then goes on live', async () => {
    for (let n = 1; n <= 5; n++) hub.publish('signal', { n }); // the ring holds 3: 3, 4, 5
    const stream = await open({ 'last-event-id': '1' });
    await eventually(async () => expect(stream.named('status')).toHaveLength(1));
    expect(stream.events.map((e) => `${e.event}:${e.id}`)).toEqual(['reset:5', 'status:5']);
    hub.publish('trade', { n: 6 });
    await eventually(async () => expect(stream.named('trade')).toHaveLength(1));
    expect(stream.named('trade')[0]!.id).toBe('6');
  });

  it('resets a client whose id is from an earlier process (newer than anything here)', async () => {
    const stream = await open({ 'last-event-id': '9000' });
    await eventually(async () => expect(stream.named('status')).toHaveLength(1));
    expect(stream.events.map((e) => e.event)).toEqual(['reset', 'status']);
  });

  it('replays nothing when the client is up to date', async () => {
    hub.publish('signal', { n: 1 });
    hub.publish('signal', { n: 2 });
    const stream = await open({ 'last-event-id': '2' });
    await eventually(async () => expect(stream.named('status')).toHaveLength(1));
    expect(stream.events.map((e) => `${e.event}:${e.id}`)).toEqual(['status:2']);
  });
});
