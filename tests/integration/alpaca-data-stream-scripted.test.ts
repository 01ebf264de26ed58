/**
 * The market-data stream client against a scripted loopback websocket server: handshake,
 * subscription deltas, resubscribe after reconnect and the §9.5 error codes. Time is a
 * ManualClock the test advances; every wait is for a concrete event or frame.
 */
import { firstValueFrom } from 'rxjs';
import { filter, take, toArray } from 'rxjs/operators';
import { afterEach, describe, expect, it } from 'vitest';
import { Credentials } from '../../src/adapters/alpaca/credentials.js';
import { AlpacaMarketDataStream } from '../../src/adapters/alpaca/market-data-stream.client.js';
import { barToStreamMessage, quoteToStreamMessage, tradeToStreamMessage } from '../../src/adapters/alpaca/serialize.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import type { MarketDataEvent } from '../../src/ports/market-data.port.js';
import { aBar, aQuote, aTrade } from '../support/alpaca-builders.js';
import { nextEvent as next } from '../support/scripted-events.js';
import { ScriptedWsServer, type ScriptedSocket } from '../support/scripted-ws-server.js';

const KEY = 'PKSTREAMKEY';
const SECRET = 'stream-secret';
const T0 = '2026-11-23T15:00:00Z';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function dataStreamSetup() {
  const server = new ScriptedWsServer();
  const url = await server.start('/v2/iex');
  const clock = new ManualClock(T0);
  const stream = new AlpacaMarketDataStream({ url, credentials: new Credentials(KEY, SECRET), clock, random: () => 0.5 });
  const seen: MarketDataEvent[] = [];
  const sub = stream.events$.subscribe((e) => seen.push(e));
  cleanups.push(async () => { sub.unsubscribe(); await stream.stop(); await server.close(); });
  return { server, clock, stream, seen };
}

/** Alpaca's side of the data handshake; returns the socket and the client's auth message */
async function dataHandshake(server: ScriptedWsServer): Promise<{ socket: ScriptedSocket; auth: unknown }> {
  const socket = await server.nextConnection();
  socket.send([{ T: 'success', msg: 'connected' }]);
  const auth = await socket.nextMessage();
  socket.send([{ T: 'success', msg: 'authenticated' }]);
  return { socket, auth };
}

describe('market data stream client', () => {
  it('completes the handshake, subscribes the whole wanted set and emits data', async () => {
    const { server, stream, seen } = await dataStreamSetup();
    stream.subscribe({ trades: ['AAPL'], quotes: ['AAPL'], bars: ['AAPL', 'TSLA'] });
    const dataEvents = firstValueFrom(stream.events$.pipe(filter((e) => ['trade', 'quote', 'bar'].includes(e.type)), take(3), toArray()));
    stream.start();
    const { socket, auth } = await dataHandshake(server);
    expect(auth).toEqual({ action: 'auth', key: KEY, secret: SECRET });
    expect(await socket.nextMessage()).toEqual({ action: 'subscribe', trades: ['AAPL'], quotes: ['AAPL'], bars: ['AAPL', 'TSLA'] });
    socket.send([{ T: 'subscription', trades: ['AAPL'], quotes: ['AAPL'], bars: ['AAPL', 'TSLA'], updatedBars: [], dailyBars: [], statuses: [] }]);
    socket.send([tradeToStreamMessage(aTrade()), quoteToStreamMessage(aQuote()), barToStreamMessage(aBar(), 'b')]);
    const got = await dataEvents;
    expect(got.map((e) => e.type)).toEqual(['trade', 'quote', 'bar']);
    expect(seen.map((e) => e.type).slice(0, 2)).toEqual(['connected', 'subscription']);
  });

  it('sends live subscribe and unsubscribe deltas while connected', async () => {
    const { server, stream } = await dataStreamSetup();
    const connected = next(stream.events$, 'connected');
    stream.start();
    const { socket } = await dataHandshake(server);
    await connected;
    stream.subscribe({ trades: ['AAPL', 'MSFT'] });
    expect(await socket.nextMessage()).toEqual({ action: 'subscribe', trades: ['AAPL', 'MSFT'] });
    stream.subscribe({ trades: ['AAPL'] }); // already wanted: nothing to send
    stream.unsubscribe({ trades: ['MSFT'] });
    expect(await socket.nextMessage()).toEqual({ action: 'unsubscribe', trades: ['MSFT'] });
  });

  it('resubscribes everything wanted after a reconnect', async () => {
    const { server, clock, stream } = await dataStreamSetup();
    stream.subscribe({ bars: ['AAPL'] });
    const connected = next(stream.events$, 'connected');
    stream.start();
    const first = await dataHandshake(server);
    await first.socket.nextMessage();
    await connected;
    stream.subscribe({ trades: ['TSLA'] });
    await first.socket.nextMessage();
    const disconnected = next(stream.events$, 'disconnected');
    first.socket.drop();
    clock.advance((await disconnected).retryInMs ?? 0);
    const second = await dataHandshake(server);
    expect(await second.socket.nextMessage()).toEqual({ action: 'subscribe', trades: ['TSLA'], bars: ['AAPL'] });
  });

  it('retries a 406 connection limit on the longer backoff', async () => {
    const { server, clock, stream } = await dataStreamSetup();
    const disconnected = next(stream.events$, 'disconnected');
    const error = next(stream.events$, 'error');
    stream.start();
    const socket = await server.nextConnection();
    socket.send([{ T: 'success', msg: 'connected' }]);
    await socket.nextMessage();
    socket.send([{ T: 'error', code: 406, msg: 'connection limit exceeded' }]);
    expect((await error).code).toBe(406);
    const gap = await disconnected;
    expect(gap.retryInMs).toBe(3750); // half of 5 s, plus 0.5 × the other half
    const connected = next(stream.events$, 'connected');
    clock.advance(3750);
    await dataHandshake(server);
    expect((await connected).attempt).toBe(2);
  });

  it('reports 405 symbol limit as an error and keeps streaming', async () => {
    const { server, stream, seen } = await dataStreamSetup();
    const connected = next(stream.events$, 'connected');
    const trade = next(stream.events$, 'trade');
    stream.start();
    const { socket } = await dataHandshake(server);
    await connected;
    socket.send([{ T: 'error', code: 405, msg: 'symbol limit exceeded' }]);
    socket.send([tradeToStreamMessage(aTrade())]);
    expect((await trade).trade.symbol).toBe('AAPL');
    expect(seen.filter((e) => e.type === 'error')).toMatchObject([{ code: 405 }]);
    expect(seen.some((e) => e.type === 'disconnected')).toBe(false);
  });

  it('stops for good on 402 auth failed', async () => {
    const { server, clock, stream, seen } = await dataStreamSetup();
    const fatal = next(stream.events$, 'fatal');
    stream.start();
    const socket = await server.nextConnection();
    socket.send([{ T: 'success', msg: 'connected' }]);
    await socket.nextMessage();
    socket.send([{ T: 'error', code: 402, msg: 'auth failed' }]);
    expect((await fatal).error).toContain('402');
    await socket.closed;
    expect(seen.some((e) => e.type === 'disconnected')).toBe(false);
    expect(clock.pending).toBe(0);
  });
});
