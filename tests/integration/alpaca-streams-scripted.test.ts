/**
 * The trade_updates client against a scripted loopback websocket server. Time is a ManualClock
 * the test advances (backoff, keep-alive); every wait is for a concrete event or frame.
 */
import { firstValueFrom } from 'rxjs';
import { filter, take, toArray } from 'rxjs/operators';
import { afterEach, describe, expect, it } from 'vitest';
import { Credentials } from '../../src/adapters/alpaca/credentials.js';
import { tradeUpdateToWire } from '../../src/adapters/alpaca/serialize.js';
import { AlpacaTradeStream, type TradeStreamAuthForm } from '../../src/adapters/alpaca/trade-stream.client.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import type { TradeStreamEvent } from '../../src/ports/trade-stream.port.js';
import { aFill, aFillUpdate } from '../support/alpaca-builders.js';
import { ScriptedResyncBroker } from '../support/scripted-broker.js';
import { nextEvent as next } from '../support/scripted-events.js';
import { ScriptedWsServer, type ScriptedSocket } from '../support/scripted-ws-server.js';

const KEY = 'PKSTREAMKEY';
const SECRET = 'stream-secret';
const T0 = '2026-11-23T15:00:00Z';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function tradeStreamSetup(opts: { authForm?: TradeStreamAuthForm; autoPong?: boolean } = {}) {
  const server = new ScriptedWsServer({ autoPong: opts.autoPong });
  const url = await server.start('/stream');
  const clock = new ManualClock(T0);
  const broker = new ScriptedResyncBroker();
  const stream = new AlpacaTradeStream({ url, credentials: new Credentials(KEY, SECRET), broker, clock, random: () => 0.5, authForm: opts.authForm });
  const seen: TradeStreamEvent[] = [];
  const sub = stream.events$.subscribe((e) => seen.push(e));
  cleanups.push(async () => { sub.unsubscribe(); await stream.stop(); await server.close(); });
  return { server, clock, broker, stream, seen };
}

/** plays Alpaca's side of the handshake; returns the socket once listening was sent */
async function handshake(server: ScriptedWsServer, binary = true): Promise<{ socket: ScriptedSocket; auth: unknown; listen: unknown }> {
  const socket = await server.nextConnection();
  const auth = await socket.nextMessage();
  socket.send({ stream: 'authorization', data: { status: 'authorized', action: 'authenticate' } }, { binary });
  const listen = await socket.nextMessage();
  socket.send({ stream: 'listening', data: { streams: ['trade_updates'] } }, { binary });
  return { socket, auth, listen };
}

describe('trade stream client', () => {
  it("authenticates with the current 'auth' form, listens, then emits connected before resynced", async () => {
    const { server, stream, broker, seen } = await tradeStreamSetup();
    broker.fills = [aFill()];
    const resynced = next(stream.events$, 'resynced');
    stream.start();
    const { auth, listen } = await handshake(server);
    expect(auth).toEqual({ action: 'auth', key: KEY, secret: SECRET });
    expect(listen).toEqual({ action: 'listen', data: { streams: ['trade_updates'] } });
    const done = await resynced;
    expect(done.fills).toHaveLength(1);
    // first connect: look back the resync margin (2 min) before the start, as after a gap
    expect(done.since).toBe(Date.parse(T0) - 120_000);
    expect(seen.map((e) => e.type)).toEqual(['connected', 'resynced']);
    expect(broker.calls.map((c) => c.method)).toEqual(['listAllOrders', 'listFillActivities']);
    expect(broker.calls[0]?.query).toEqual({ status: 'open', nested: true });
  });

  it("authenticates with the legacy 'authenticate' form when configured", async () => {
    const { server, stream } = await tradeStreamSetup({ authForm: 'authenticate' });
    const connected = next(stream.events$, 'connected');
    stream.start();
    const { auth } = await handshake(server, false);
    expect(auth).toEqual({ action: 'authenticate', data: { key_id: KEY, secret_key: SECRET } });
    expect((await connected).attempt).toBe(1);
  });

  it('decodes binary and text frames alike and ignores a 0x01 heartbeat', async () => {
    const { server, stream } = await tradeStreamSetup();
    const updates = firstValueFrom(stream.events$.pipe(filter((e) => e.type === 'trade_update' || e.type === 'refresh_order'), take(2), toArray()));
    stream.start();
    const { socket } = await handshake(server);
    socket.sendRaw(Buffer.from([0x01]), true);
    socket.send(tradeUpdateToWire(aFillUpdate()), { binary: true });
    socket.send(tradeUpdateToWire({ ...aFillUpdate(), executionId: 'second-exec' }), { binary: false });
    const got = await updates;
    expect(got.map((e) => (e.type === 'trade_update' ? e.update.executionId : e.type))).toEqual(['2f63ea93-423d-4169-b3f6-3fdafc10c418', 'second-exec']);
  });

  it('turns an unknown event and an unreadable frame into refresh_order', async () => {
    const { server, stream } = await tradeStreamSetup();
    const refreshes = firstValueFrom(stream.events$.pipe(filter((e) => e.type === 'refresh_order'), take(2), toArray()));
    stream.start();
    const { socket } = await handshake(server);
    const wire = tradeUpdateToWire(aFillUpdate()) as { data: Record<string, unknown> };
    socket.send({ ...wire, data: { ...wire.data, event: 'margin_call_maybe' } }, { binary: true });
    socket.sendRaw(Buffer.from('{"stream":"trade_updates","data":{', 'utf8'), true);
    const [unknown, garbled] = await refreshes;
    expect(unknown).toMatchObject({ type: 'refresh_order', orderId: aFillUpdate().order.id });
    expect(garbled).toMatchObject({ type: 'refresh_order', orderId: null });
  });

  it('reconnects after a drop with backoff and resyncs from the last event time minus the margin', async () => {
    const { server, clock, stream, seen } = await tradeStreamSetup();
    const firstUpdate = next(stream.events$, 'trade_update');
    stream.start();
    const first = await handshake(server);
    first.socket.send(tradeUpdateToWire(aFillUpdate()), { binary: true });
    await firstUpdate;

    const disconnected = next(stream.events$, 'disconnected');
    first.socket.drop();
    const gap = await disconnected;
    expect(gap.retryInMs).toBe(250); // 0.5 × 500 ms
    const resynced = firstValueFrom(stream.events$.pipe(filter((e) => e.type === 'resynced'), take(1)));
    clock.advance(250);
    await handshake(server);
    const second = await resynced;
    expect(second).toMatchObject({ since: (aFillUpdate().at ?? 0) - 120_000 });
    const types = seen.map((e) => e.type);
    expect(types.slice(types.indexOf('disconnected'))).toEqual(['disconnected', 'connected', 'resynced']);
    expect(seen.find((e) => e.type === 'connected' && e.attempt === 2)).toBeDefined();
  });

  it('reports resync_failed when the REST catch-up fails, and stays connected', async () => {
    const { server, stream, broker, seen } = await tradeStreamSetup();
    broker.failWith = new Error('GET /v2/orders failed (server_error 500)');
    const failed = next(stream.events$, 'resync_failed');
    stream.start();
    await handshake(server);
    expect((await failed).error).toContain('server_error');
    expect(seen.some((e) => e.type === 'disconnected')).toBe(false);
  });

  it('disconnects and reconnects after an in-stream error message', async () => {
    const { server, clock, stream } = await tradeStreamSetup();
    const disconnected = next(stream.events$, 'disconnected');
    stream.start();
    const { socket } = await handshake(server);
    socket.send({ action: 'error', data: { error_message: 'internal server error' } }, { binary: true });
    const gap = await disconnected;
    expect(gap.reason).toContain('internal server error');
    const connected = next(stream.events$, 'connected');
    clock.advance(gap.retryInMs ?? 0);
    await handshake(server);
    expect((await connected).attempt).toBe(2);
  });

  it('treats unauthorized as fatal and does not reconnect', async () => {
    const { server, clock, stream, seen } = await tradeStreamSetup();
    const fatal = next(stream.events$, 'fatal');
    stream.start();
    const socket = await server.nextConnection();
    await socket.nextMessage();
    socket.send({ stream: 'authorization', data: { action: 'authenticate', message: 'access key verification failed', status: 'unauthorized' } }, { binary: true });
    expect((await fatal).error).toContain('access key verification failed');
    await socket.closed;
    expect(seen.some((e) => e.type === 'disconnected')).toBe(false);
    expect(clock.pending).toBe(0); // no backoff timer waiting to reconnect
    expect(server.connectionCount).toBe(1);
  });

  it('stop() closes cleanly, reports no retry and leaves no timer behind', async () => {
    const { server, clock, stream, seen } = await tradeStreamSetup();
    const connected = next(stream.events$, 'connected');
    stream.start();
    const { socket } = await handshake(server);
    await connected;
    await stream.stop();
    await socket.closed;
    expect(seen.filter((e) => e.type === 'disconnected')).toMatchObject([{ retryInMs: null }]);
    expect(clock.pending).toBe(0);
    expect(server.connectionCount).toBe(1);
  });

  it('treats a socket that stops answering pings as dead', async () => {
    const { server, clock, stream } = await tradeStreamSetup({ autoPong: false });
    const connected = next(stream.events$, 'connected');
    stream.start();
    const { socket } = await handshake(server);
    await connected;
    const pinged = new Promise<void>((resolve) => socket.ws.once('ping', () => resolve()));
    clock.advance(10_000);
    await pinged;
    const disconnected = next(stream.events$, 'disconnected');
    clock.advance(10_000);
    expect((await disconnected).reason).toContain('no pong');
  });
});
