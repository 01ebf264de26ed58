/**
 * The webhook notifier against a scripted loopback receiver: body shape, retry classification,
 * Retry-After, overflow and a dead receiver. Backoff runs on a ManualClock the test advances;
 * the only waits are for real HTTP answers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookNotifier } from '../../src/adapters/notify/webhook.notifier.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import type { NotifierPort } from '../../src/ports/notifier.port.js';
import { aNotification, closedPort, recordWarnings, untilSleeping, type WarnRecorder } from '../support/notify-support.js';
import { ScriptedHttpServer } from '../support/scripted-http-server.js';

const HOOK = '/hooks/T0001/s3cr3t-path-part';
const QUERY = '?token=q-secret-42';
const T0 = '2026-11-23T15:00:00Z';
const random = () => 0.5;
/** NOTIFY_BACKOFF (base 1 s, cap 60 s, floor 0.5) at random 0.5: 0.75 × 1 s × 2^n */
const BACKOFF = [750, 1_500, 3_000, 6_000];

let server: ScriptedHttpServer;
let baseUrl: string;
let clock: ManualClock;
let warn: WarnRecorder;

beforeEach(async () => {
  server = new ScriptedHttpServer();
  baseUrl = await server.start();
  clock = new ManualClock(T0);
  warn = recordWarnings();
});

afterEach(() => server.close());

function webhook(opts: { url?: string; maxAttempts?: number; queueLimit?: number; clock?: ManualClock } = {}): NotifierPort {
  const { url = `${baseUrl}${HOOK}${QUERY}`, clock: c = clock, ...tuning } = opts;
  return createWebhookNotifier({ url, ...tuning }, { clock: c, random, warn });
}

const ok = { status: 204 };
const serverError = { status: 500, body: { error: 'boom' } };

describe('webhook notifier', () => {
  it('POSTs the notification itself plus source "keel" as JSON to the configured URL', async () => {
    server.on('POST', HOOK, ok);
    const notifier = webhook();
    const n = aNotification({ severity: 'critical', kind: 'halt', data: { reason: 'daily_loss', loss: '-512.40' } });
    notifier.notify(n);
    await notifier.drain();
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0];
    expect(req?.body).toEqual({ ...n, source: 'keel' });
    expect(req?.query.get('token')).toBe('q-secret-42');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(notifier.stats()).toEqual({ sent: 1, failed: 0, dropped: 0, queued: 0 });
  });

  it('retries after a 500 with jittered backoff on the injected clock, then delivers', async () => {
    server.on('POST', HOOK, serverError, ok);
    const notifier = webhook();
    notifier.notify(aNotification());
    expect(await untilSleeping(clock, 1)).toBe(BACKOFF[0]);
    expect(server.count('POST', HOOK)).toBe(1);
    expect(notifier.stats().queued).toBe(1);
    clock.advance(BACKOFF[0] as number);
    await notifier.drain();
    expect(server.count('POST', HOOK)).toBe(2);
    expect(notifier.stats()).toEqual({ sent: 1, failed: 0, dropped: 0, queued: 0 });
  });

  it('waits exactly Retry-After seconds after a 429', async () => {
    server.on('POST', HOOK, { status: 429, headers: { 'Retry-After': '7' } }, ok);
    const notifier = webhook();
    notifier.notify(aNotification());
    expect(await untilSleeping(clock, 1)).toBe(7_000);
    clock.advance(6_999);
    expect(clock.pending).toBe(1); // still waiting: not one millisecond early
    const second = server.nextRequest('POST', HOOK);
    clock.advance(1);
    await second;
    await notifier.drain();
    expect(notifier.stats()).toMatchObject({ sent: 1, failed: 0 });
  });

  it.each([[408], [502], [503]])('retries a %i', async (status) => {
    server.on('POST', HOOK, { status }, ok);
    const notifier = webhook({ clock: new ManualClock(T0, true) });
    notifier.notify(aNotification());
    await notifier.drain();
    expect(server.count('POST', HOOK)).toBe(2);
    expect(notifier.stats()).toMatchObject({ sent: 1, failed: 0 });
  });

  it.each([[400], [401], [404], [301]])('gives up at once on a %i and counts it failed', async (status) => {
    server.on('POST', HOOK, { status, headers: status === 301 ? { Location: 'http://127.0.0.1:1/elsewhere' } : {} }, ok);
    const notifier = webhook();
    notifier.notify(aNotification());
    await notifier.drain();
    expect(server.count('POST', HOOK)).toBe(1);
    expect(clock.sleeps).toEqual([]);
    expect(notifier.stats()).toEqual({ sent: 0, failed: 1, dropped: 0, queued: 0 });
    expect(warn.messages).toHaveLength(1);
  });

  it('delivers in the order notified, even when the first needs a retry', async () => {
    server.on('POST', HOOK, serverError, ok);
    const notifier = webhook({ clock: new ManualClock(T0, true) });
    const sent = [aNotification(), aNotification(), aNotification()];
    for (const n of sent) notifier.notify(n);
    await notifier.drain();
    const keys = server.requests.map((r) => (r.body as { key: string }).key);
    expect(keys).toEqual([sent[0]?.key, sent[0]?.key, sent[1]?.key, sent[2]?.key]);
  });

  it('drops the oldest waiting notification when the queue is full, and counts it', async () => {
    server.on('POST', HOOK, serverError, ok);
    const notifier = webhook({ queueLimit: 2 });
    const [first, second, third, fourth] = [aNotification(), aNotification(), aNotification(), aNotification()];
    notifier.notify(first);
    await untilSleeping(clock, 1); // first is in backoff, so the rest wait
    for (const n of [second, third, fourth]) notifier.notify(n);
    expect(notifier.stats()).toEqual({ sent: 0, failed: 0, dropped: 1, queued: 3 });
    clock.advance(BACKOFF[0] as number);
    await notifier.drain();
    const keys = server.requests.map((r) => (r.body as { key: string }).key);
    expect(keys).toEqual([first.key, first.key, third.key, fourth.key]);
    expect(notifier.stats()).toEqual({ sent: 3, failed: 0, dropped: 1, queued: 0 });
  });

  it('never throws while the receiver is down, and drain() resolves after max attempts', async () => {
    const port = await closedPort();
    const auto = new ManualClock(T0, true);
    const notifier = webhook({ url: `http://127.0.0.1:${port}${HOOK}${QUERY}`, clock: auto });
    expect(() => {
      notifier.notify(aNotification());
      notifier.notify(aNotification());
    }).not.toThrow();
    await notifier.drain();
    expect(notifier.stats()).toEqual({ sent: 0, failed: 2, dropped: 0, queued: 0 });
    expect(auto.sleeps).toEqual([...BACKOFF, ...BACKOFF]); // 5 attempts each, exponential
    expect(warn.messages).toHaveLength(2);
  });

  it('honours a configured maxAttempts', async () => {
    server.on('POST', HOOK, serverError);
    const notifier = webhook({ maxAttempts: 2, clock: new ManualClock(T0, true) });
    notifier.notify(aNotification());
    await notifier.drain();
    expect(server.count('POST', HOOK)).toBe(2);
    expect(notifier.stats().failed).toBe(1);
  });

  it('never puts the URL path or query in a warning, even when a transport error echoes the URL', async () => {
    const url = `${baseUrl}${HOOK}${QUERY}`;
    const echoing = createWebhookNotifier({ url, maxAttempts: 1 }, {
      clock, random, warn, fetch: async (target) => { throw new Error(`cannot reach ${target}`); },
    });
    echoing.notify(aNotification());
    await echoing.drain();
    server.on('POST', HOOK, { status: 400 });
    const notifier = webhook();
    notifier.notify(aNotification());
    await notifier.drain();
    expect(warn.messages).toHaveLength(2);
    for (const message of warn.messages) {
      expect(message).not.toContain('s3cr3t-path-part');
      expect(message).not.toContain('q-secret-42');
    }
  });

  it('drain() resolves at once when nothing was notified', async () => {
    await expect(webhook().drain()).resolves.toBeUndefined();
  });
});
