/**
 * The Alpaca HTTP client and broker against a scripted loopback server: retry policy, rate-limit
 * waits (recorded on an auto-advancing ManualClock, never slept) and the no-double-submit recipe.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlpacaBroker } from '../../src/adapters/alpaca/alpaca-broker.js';
import { Credentials } from '../../src/adapters/alpaca/credentials.js';
import { AlpacaHttpClient } from '../../src/adapters/alpaca/http-client.js';
import { RateLimiter } from '../../src/adapters/alpaca/rate-limiter.js';
import { accountToWire, clockToWire, orderToWire } from '../../src/adapters/alpaca/serialize.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { BrokerError } from '../../src/domain/broker-error.js';
import { dec } from '../../src/domain/money.js';
import { anAccount, aClock, anOrder, anOrderRequest } from '../support/alpaca-builders.js';
import { loadFixture } from '../support/fixtures.js';
import { ScriptedHttpServer } from '../support/scripted-http-server.js';

const SECRET = 'sk-do-not-print-0123456789';
const KEY = 'PKTESTKEYID42';
const T0 = '2026-11-23T15:00:00Z';
const BY_CID = '/v2/orders:by_client_order_id';
const CID = 'keel-sig-42-entry';

let server: ScriptedHttpServer;
let clock: ManualClock;
let timers: ManualClock;
let broker: AlpacaBroker;

beforeEach(async () => {
  server = new ScriptedHttpServer();
  const baseUrl = await server.start();
  clock = new ManualClock(T0, true); // backoff waits are recorded in clock.sleeps, not slept
  timers = new ManualClock(T0); // request timeouts fire only when a test advances this clock
  const http = new AlpacaHttpClient({ baseUrl, credentials: new Credentials(KEY, SECRET), clock, random: () => 0.5, timeoutClock: timers });
  broker = new AlpacaBroker({ mode: 'paper', http });
});

afterEach(() => server.close());

const orderWire = () => orderToWire(anOrder({ clientOrderId: CID, status: 'accepted', statusRaw: 'accepted' }));
const serverError = { status: 500, body: { code: 50010000, message: 'internal server error' } };

describe('safe reads', () => {
  it('waits until X-RateLimit-Reset after a 429, then succeeds', async () => {
    const resetEpochSeconds = Date.parse(T0) / 1000 + 7;
    server.on('GET', '/v2/account',
      { status: 429, body: loadFixture('synthesized/error-429-rate-limit.json'), headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(resetEpochSeconds) } },
      { status: 200, body: accountToWire(anAccount()) });
    const account = await broker.getAccount();
    expect(account.accountNumber).toBe('PA123');
    expect(clock.sleeps).toEqual([7000]);
    expect(server.count('GET', '/v2/account')).toBe(2);
  });

  it('retries a read after a 500 with a jittered backoff and returns the next answer', async () => {
    server.on('GET', '/v2/clock', serverError, { status: 200, body: clockToWire(aClock()) });
    const marketClock = await broker.getClock();
    expect(marketClock.isOpen).toBe(true);
    expect(clock.sleeps).toEqual([125]); // 0.5 × 250 ms base
  });

  it('gives up after three retries and throws the classified error', async () => {
    server.on('GET', '/v2/clock', { status: 503, body: { message: 'service unavailable' } });
    const error = await broker.getClock().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BrokerError);
    expect((error as BrokerError).category).toBe('server_error');
    expect(server.count('GET', '/v2/clock')).toBe(4);
    expect(clock.sleeps).toEqual([125, 250, 500]);
  });

  it('does not retry a terminal 403 read', async () => {
    server.on('GET', '/v2/account', { status: 403, body: { message: 'forbidden.' } });
    await expect(broker.getAccount()).rejects.toMatchObject({ category: 'forbidden', status: 403 });
    expect(server.count('GET', '/v2/account')).toBe(1);
  });

  it('sends the key headers on every request', async () => {
    server.on('GET', '/v2/account', { status: 200, body: accountToWire(anAccount()) });
    await broker.getAccount();
    expect(server.requests[0]?.headers['apca-api-key-id']).toBe(KEY);
    expect(server.requests[0]?.headers['apca-api-secret-key']).toBe(SECRET);
  });

  it('returns null for a flat position and an unknown order (404)', async () => {
    server.on('GET', '/v2/positions/AAPL', { status: 404, body: loadFixture('error-404-position-does-not-exist.json') });
    server.on('GET', '/v2/orders/61e69015-8549-4bfd-b9c3-01e75843f47d', { status: 404, body: loadFixture('error-404-order-not-found.json') });
    expect(await broker.getPosition('AAPL')).toBeNull();
    expect(await broker.getOrder('61e69015-8549-4bfd-b9c3-01e75843f47d')).toBeNull();
  });
});

describe('submitOrder never double-submits', () => {
  it('resolves a POST that times out by client_order_id lookup, with exactly one POST', async () => {
    server.on('POST', '/v2/orders', 'hang');
    server.on('GET', BY_CID, { status: 200, body: orderWire() });
    const posted = server.nextRequest('POST', '/v2/orders');
    const outcome = broker.submitOrder(anOrderRequest({ clientOrderId: CID }));
    await posted;
    timers.advance(10_000);
    const result = await outcome;
    expect(result).toMatchObject({ kind: 'accepted', recovered: true, order: { clientOrderId: CID } });
    expect(server.count('POST', '/v2/orders')).toBe(1);
    expect(server.requests.find((r) => r.path === BY_CID)?.query.get('client_order_id')).toBe(CID);
  });

  it('resubmits with the SAME client_order_id when a 5xx POST is not found by lookup', async () => {
    server.on('POST', '/v2/orders', serverError, { status: 200, body: orderWire() });
    server.on('GET', BY_CID, { status: 404, body: loadFixture('error-404-order-not-found.json') });
    const result = await broker.submitOrder(anOrderRequest({ clientOrderId: CID }));
    expect(result).toMatchObject({ kind: 'accepted', recovered: false });
    const posts = server.requests.filter((r) => r.method === 'POST');
    expect(posts.map((p) => (p.body as { client_order_id: string }).client_order_id)).toEqual([CID, CID]);
    expect(server.count('GET', BY_CID)).toBe(1);
  });

  it('treats 422 "client_order_id must be unique" as an earlier landing and recovers it', async () => {
    server.on('POST', '/v2/orders', { status: 422, body: loadFixture('error-422-duplicate-client-order-id.json') });
    server.on('GET', BY_CID, { status: 200, body: orderWire() });
    const result = await broker.submitOrder(anOrderRequest({ clientOrderId: CID }));
    expect(result).toMatchObject({ kind: 'accepted', recovered: true });
    expect(server.count('POST', '/v2/orders')).toBe(1);
  });

  it('looks up an order whose 200 echo is unreadable, and posts nothing again', async () => {
    server.on('POST', '/v2/orders', { status: 200, body: { not: 'an order' } });
    server.on('GET', BY_CID, { status: 200, body: orderWire() });
    expect(await broker.submitOrder(anOrderRequest({ clientOrderId: CID }))).toMatchObject({ kind: 'accepted', recovered: true, order: { clientOrderId: CID } });
    expect(server.count('POST', '/v2/orders')).toBe(1);
  });

  it('matches the duplicate wording loosely', async () => {
    server.on('POST', '/v2/orders', { status: 422, body: { code: 40010001, message: 'client order id must be unique' } });
    server.on('GET', BY_CID, { status: 200, body: orderWire() });
    expect(await broker.submitOrder(anOrderRequest({ clientOrderId: CID }))).toMatchObject({ kind: 'accepted', recovered: true });
  });

  it('rejects on 403, keeping Alpaca code and message, without a lookup', async () => {
    server.on('POST', '/v2/orders', { status: 403, body: loadFixture('error-403-insufficient-buying-power.json') });
    const result = await broker.submitOrder(anOrderRequest({ clientOrderId: CID }));
    expect(result.kind).toBe('rejected');
    if (result.kind !== 'rejected') return;
    expect(result.error.status).toBe(403);
    expect(result.error.code).toBe(40310000);
    expect(result.error.brokerMessage).toBe('insufficient buying power');
    expect(server.count('GET', BY_CID)).toBe(0);
  });

  it('reports unknown (order stays in flight) when the lookup itself keeps failing', async () => {
    server.on('POST', '/v2/orders', serverError);
    server.on('GET', BY_CID, serverError);
    const result = await broker.submitOrder(anOrderRequest({ clientOrderId: CID }));
    expect(result).toMatchObject({ kind: 'unknown', clientOrderId: CID, error: { category: 'server_error' } });
    expect(server.count('POST', '/v2/orders')).toBe(1);
    expect(server.count('GET', BY_CID)).toBe(4); // the lookup is a safe read: retried
  });

  it('stops after the bounded resubmits and reports unknown', async () => {
    server.on('POST', '/v2/orders', serverError);
    server.on('GET', BY_CID, { status: 404, body: loadFixture('error-404-order-not-found.json') });
    const result = await broker.submitOrder(anOrderRequest({ clientOrderId: CID }));
    expect(result.kind).toBe('unknown');
    expect(server.count('POST', '/v2/orders')).toBe(3);
  });

  it('never retries a position liquidation at the transport', async () => {
    server.on('DELETE', '/v2/positions/AAPL', serverError);
    await expect(broker.closePosition('AAPL')).rejects.toMatchObject({ category: 'server_error' });
    expect(server.count('DELETE', '/v2/positions/AAPL')).toBe(1);
  });
});

describe('replaceOrder never sends a PATCH twice', () => {
  const OLD = '61e69015-8549-4bfd-b9c3-01e75843f47d';
  const NEW_CID = 'keel-sig-42-entry-s2';
  const path = `/v2/orders/${OLD}`;
  const replacement = () => orderToWire(anOrder({ id: 'b0b6dd9d-8b9b-48a9-ba46-b9d54906e415', clientOrderId: NEW_CID, replaces: OLD, type: 'stop', side: 'sell' }));
  const replace = () => broker.replaceOrder(OLD, { clientOrderId: NEW_CID, stopPrice: dec('97.35') });

  it('answers the replacing order, the body only what changes', async () => {
    server.on('PATCH', path, { status: 200, body: replacement() });
    expect(await replace()).toMatchObject({ kind: 'accepted', recovered: false, order: { clientOrderId: NEW_CID, replaces: OLD } });
    expect(server.requests.find((r) => r.method === 'PATCH')?.body).toEqual({ client_order_id: NEW_CID, stop_price: '97.35' });
  });

  it('settles a PATCH that times out by the new client_order_id: found → accepted, one PATCH', async () => {
    server.on('PATCH', path, 'hang');
    server.on('GET', BY_CID, { status: 200, body: replacement() });
    const sent = server.nextRequest('PATCH', path);
    const outcome = replace();
    await sent;
    timers.advance(10_000);
    expect(await outcome).toMatchObject({ kind: 'accepted', recovered: true, order: { replaces: OLD } });
    expect(server.count('PATCH', path)).toBe(1);
    expect(server.requests.find((r) => r.path === BY_CID)?.query.get('client_order_id')).toBe(NEW_CID);
  });

  it('a 5xx whose replacement is not found is unknown, never resent (the old order may already be replaced)', async () => {
    server.on('PATCH', path, serverError);
    server.on('GET', BY_CID, { status: 404, body: loadFixture('error-404-order-not-found.json') });
    expect(await replace()).toMatchObject({ kind: 'unknown', clientOrderId: NEW_CID });
    expect(server.count('PATCH', path)).toBe(1);
  });

  it('an unreadable 200 echo is settled by the lookup too', async () => {
    server.on('PATCH', path, { status: 200, body: { not: 'an order' } });
    server.on('GET', BY_CID, { status: 200, body: replacement() });
    expect(await replace()).toMatchObject({ kind: 'accepted', recovered: true, order: { replaces: OLD } });
    expect(server.count('PATCH', path)).toBe(1);
  });

  it('rejects a 422 without a lookup, keeping Alpaca\'s code and message', async () => {
    server.on('PATCH', path, { status: 422, body: { code: 42210000, message: 'order is not replaceable' } });
    expect(await replace()).toMatchObject({ kind: 'rejected', error: { status: 422, code: 42210000, brokerMessage: 'order is not replaceable' } });
    expect(server.count('GET', BY_CID)).toBe(0);
  });
});

describe('secrets', () => {
  it('keeps the secret out of error messages and serialised errors', async () => {
    server.on('POST', '/v2/orders', { status: 403, body: loadFixture('error-403-insufficient-buying-power.json') });
    const rejected = await broker.submitOrder(anOrderRequest());
    const refused = await new AlpacaHttpClient({
      baseUrl: 'http://127.0.0.1:1', credentials: new Credentials(KEY, SECRET), clock, random: () => 0, timeoutClock: timers, maxRetries: 0,
    }).request({ method: 'GET', path: '/v2/account', retry: 'safe' }).then(() => null, (e: unknown) => e as BrokerError);
    expect(refused).toMatchObject({ category: 'network' });
    for (const err of [rejected.kind === 'rejected' ? rejected.error : null, refused]) {
      expect(err).not.toBeNull();
      expect(`${err?.message} ${JSON.stringify(err)} ${String(err?.stack)}`).not.toContain(SECRET);
    }
  });
});

describe('RateLimiter', () => {
  it('waits for the reset when the broker says no requests remain', async () => {
    const limiter = new RateLimiter({ clock });
    limiter.observe(new Headers({ 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Date.parse(T0) / 1000 + 30) }));
    await limiter.acquire();
    expect(clock.sleeps).toEqual([30_000]);
  });

  it('says until when it waits, reports a long wait once, and never waits past maxWaitMs', async () => {
    const held = new ManualClock(T0);
    const waits: unknown[] = [];
    const limiter = new RateLimiter({ clock: held, onWait: (wait) => waits.push(wait) });
    limiter.observe(new Headers({ 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Date.parse(T0) / 1000 + 600) }));
    expect(limiter.waitingUntil()).toBeNull();
    const first = limiter.acquire();
    const second = limiter.acquire();
    expect(limiter.waitingUntil()).toBe(Date.parse(T0) + 65_000); // a reset 10 min ahead is bounded
    expect(waits).toEqual([{ until: Date.parse(T0) + 65_000, waitMs: 65_000, cause: 'broker_window' }]);
    held.advance(65_000);
    await Promise.all([first, second]);
    expect(limiter.waitingUntil()).toBeNull();
  });

  it('keeps to its own budget per window', async () => {
    const limiter = new RateLimiter({ clock, maxPerWindow: 2, windowMs: 60_000 });
    await limiter.acquire();
    await limiter.acquire();
    await limiter.acquire();
    expect(clock.sleeps).toEqual([60_000]);
  });
});
