/**
 * The Telegram notifier against a scripted loopback Bot API: request path and body, flood control
 * (retry_after), terminal errors, and the bot token kept out of every warning. Backoff runs on a
 * ManualClock; the only waits are for real HTTP answers.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotToken } from '../../src/adapters/notify/bot-token.js';
import { createTelegramNotifier, TELEGRAM_MAX_TEXT } from '../../src/adapters/notify/telegram.notifier.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import type { NotifierPort } from '../../src/ports/notifier.port.js';
import { aNotification, closedPort, recordWarnings, untilSleeping, type WarnRecorder } from '../support/notify-support.js';
import { ScriptedHttpServer } from '../support/scripted-http-server.js';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const TOKEN_SECRET_PART = 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SEND = `/bot${TOKEN}/sendMessage`;
const CHAT = '-1001234567890';
const T0 = '2026-11-23T15:00:00Z';

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

function telegram(opts: { apiUrl?: string; maxAttempts?: number; clock?: ManualClock } = {}): NotifierPort {
  const { apiUrl = baseUrl, clock: c = clock, maxAttempts } = opts;
  return createTelegramNotifier({ token: new BotToken(TOKEN), chatId: CHAT, apiUrl, maxAttempts }, { clock: c, random: () => 0.5, warn });
}

const sent = { status: 200, body: { ok: true, result: { message_id: 42 } } };

describe('telegram notifier', () => {
  it('POSTs sendMessage under /bot<token>/ with chat_id, a plain-text message and no link preview', async () => {
    server.on('POST', SEND, sent);
    const notifier = telegram({ apiUrl: `${baseUrl}/` });
    notifier.notify(aNotification({ severity: 'critical', title: 'Halted: daily loss limit', text: 'Loss -$512.40 reached the -$500 limit.' }));
    await notifier.drain();
    expect(server.requests.map((r) => r.path)).toEqual([SEND]);
    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(body).toEqual({ chat_id: CHAT, text: '🚨 [CRITICAL] Halted: daily loss limit\nLoss -$512.40 reached the -$500 limit.', disable_web_page_preview: true });
    expect(body).not.toHaveProperty('parse_mode');
    expect(notifier.stats()).toEqual({ sent: 1, failed: 0, dropped: 0, queued: 0 });
  });

  it('tags each severity differently', async () => {
    server.on('POST', SEND, sent);
    const notifier = telegram();
    for (const severity of ['info', 'warning', 'critical'] as const) notifier.notify(aNotification({ severity, title: 'T', text: 'x' }));
    await notifier.drain();
    const heads = server.requests.map((r) => ((r.body as { text: string }).text.split(' T\n')[0]));
    expect(new Set(heads).size).toBe(3);
  });

  it('waits retry_after seconds when Telegram answers a flood 429, then sends', async () => {
    server.on('POST', SEND,
      { status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 12', parameters: { retry_after: 12 } } },
      sent);
    const notifier = telegram();
    notifier.notify(aNotification());
    expect(await untilSleeping(clock, 1)).toBe(12_000);
    clock.advance(11_999);
    expect(clock.pending).toBe(1);
    clock.advance(1);
    await notifier.drain();
    expect(server.count('POST', SEND)).toBe(2);
    expect(notifier.stats()).toMatchObject({ sent: 1, failed: 0 });
  });

  it('retries a 5xx and gives up at once on a 400 (e.g. chat not found)', async () => {
    server.on('POST', SEND,
      { status: 502, body: 'Bad Gateway' },
      sent,
      { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } });
    const notifier = telegram({ clock: new ManualClock(T0, true) });
    notifier.notify(aNotification());
    notifier.notify(aNotification());
    await notifier.drain();
    expect(server.count('POST', SEND)).toBe(3);
    expect(notifier.stats()).toEqual({ sent: 1, failed: 1, dropped: 0, queued: 0 });
  });

  it('never lets the token into a warning: revoked token, dead API, or an error that echoes the URL', async () => {
    server.on('POST', SEND, { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    const revoked = telegram();
    revoked.notify(aNotification());
    await revoked.drain();

    const dead = telegram({ apiUrl: `http://127.0.0.1:${await closedPort()}`, maxAttempts: 2, clock: new ManualClock(T0, true) });
    dead.notify(aNotification());
    await dead.drain();

    const echoing = createTelegramNotifier({ token: new BotToken(TOKEN), chatId: CHAT, apiUrl: baseUrl, maxAttempts: 1 }, {
      clock, random: () => 0.5, warn, fetch: async (url) => { throw new Error(`request to ${url} failed`, { cause: new Error(url) }); },
    });
    echoing.notify(aNotification());
    await echoing.drain();

    expect(warn.messages).toHaveLength(3);
    for (const message of warn.messages) expect(message).not.toContain(TOKEN_SECRET_PART);
  });

  it('cuts a message to Telegram\'s 4096-character limit without splitting an emoji', async () => {
    server.on('POST', SEND, sent);
    const notifier = telegram();
    // titles of both parities, so one of the two cuts lands inside a surrogate pair
    for (const title of ['A', 'AB']) notifier.notify(aNotification({ title, text: '😀'.repeat(3000) }));
    await notifier.drain();
    for (const req of server.requests) {
      const text = (req.body as { text: string }).text;
      expect(text.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
      expect(text.endsWith('😀…')).toBe(true);
    }
  });
});
