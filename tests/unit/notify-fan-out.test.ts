import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BotToken } from '../../src/adapters/notify/bot-token.js';
import { fanOut, nullNotifier } from '../../src/adapters/notify/fan-out.notifier.js';
import type { FetchLike } from '../../src/adapters/notify/http-post.js';
import { createNotifier } from '../../src/adapters/notify/index.js';
import { urlScrubber } from '../../src/adapters/notify/webhook.notifier.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import type { Notification } from '../../src/domain/notification.js';
import type { NotifierPort, NotifierStats } from '../../src/ports/notifier.port.js';
import { aNotification, recordWarnings } from '../support/notify-support.js';

class FakeNotifier implements NotifierPort {
  readonly received: Notification[] = [];
  drained = 0;
  constructor(private readonly counts: NotifierStats = { sent: 0, failed: 0, dropped: 0, queued: 0 }, private readonly broken = false) {}
  notify(n: Notification): void {
    if (this.broken) throw new Error('broken notifier');
    this.received.push(n);
  }
  async drain(): Promise<void> {
    this.drained++;
  }
  stats(): NotifierStats {
    return { ...this.counts };
  }
}

function recordingFetch(): FetchLike & { urls: string[]; bodies: unknown[] } {
  const urls: string[] = [];
  const bodies: unknown[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    urls.push(url);
    bodies.push(JSON.parse(String(init.body)));
    return new Response(JSON.stringify({ ok: true }), { status: 200 });
  }) as FetchLike & { urls: string[]; bodies: unknown[] };
  return Object.assign(fn, { urls, bodies });
}

const TOKEN = '987654:secret-part-of-the-bot-token';

describe('fanOut', () => {
  it('gives every notifier every notification, even when one of them throws', () => {
    const [a, broken, b] = [new FakeNotifier(), new FakeNotifier(undefined, true), new FakeNotifier()];
    const all = fanOut([a, broken, b]);
    const n = aNotification();
    expect(() => all.notify(n)).not.toThrow();
    expect(a.received).toEqual([n]);
    expect(b.received).toEqual([n]);
  });

  it('drains every notifier and sums their stats', async () => {
    const a = new FakeNotifier({ sent: 3, failed: 1, dropped: 0, queued: 2 });
    const b = new FakeNotifier({ sent: 4, failed: 0, dropped: 5, queued: 1 });
    const all = fanOut([a, b]);
    await all.drain();
    expect([a.drained, b.drained]).toEqual([1, 1]);
    expect(all.stats()).toEqual({ sent: 7, failed: 1, dropped: 5, queued: 3 });
  });
});

describe('nullNotifier', () => {
  it('accepts notifications, drains at once and reports nothing', async () => {
    nullNotifier.notify(aNotification());
    await expect(nullNotifier.drain()).resolves.toBeUndefined();
    expect(nullNotifier.stats()).toEqual({ sent: 0, failed: 0, dropped: 0, queued: 0 });
  });
});

describe('createNotifier', () => {
  const deps = (fetch: FetchLike) => ({ clock: new ManualClock(), random: () => 0.5, warn: recordWarnings(), fetch });

  it('is the null notifier when nothing is configured', () => {
    expect(createNotifier({ webhookUrl: null, telegram: null }, deps(recordingFetch()))).toBe(nullNotifier);
  });

  it('sends each notification to the webhook and to Telegram when both are configured', async () => {
    const fetch = recordingFetch();
    const notifier = createNotifier({
      webhookUrl: 'https://hooks.example.com/abc',
      telegram: { chatId: '42', apiUrl: 'https://tg.example.com', token: new BotToken(TOKEN) },
    }, deps(fetch));
    const n = aNotification();
    notifier.notify(n);
    await notifier.drain();
    expect([...fetch.urls].sort()).toEqual(['https://hooks.example.com/abc', `https://tg.example.com/bot${TOKEN}/sendMessage`]);
    expect(notifier.stats()).toEqual({ sent: 2, failed: 0, dropped: 0, queued: 0 });
  });
});

describe('BotToken', () => {
  it('shows only the bot id through JSON, String, templates and inspect', () => {
    const token = new BotToken(TOKEN);
    const printed = [JSON.stringify({ token }), String(token), `${token}`, inspect({ token }, { depth: 5 })].join('\n');
    expect(printed).not.toContain('secret-part');
    expect(JSON.parse(JSON.stringify({ token }))).toEqual({ token: '987654:****' });
    expect(token.value()).toBe(TOKEN);
  });

  it('scrubs the token out of a text', () => {
    expect(new BotToken(TOKEN).scrub(`POST https://api.telegram.org/bot${TOKEN}/sendMessage failed`)).not.toContain('secret-part');
  });
});

describe('urlScrubber', () => {
  it('reduces a webhook URL, or its path or query alone, to the origin and a mask', () => {
    const scrub = urlScrubber('https://hooks.example.com/services/T0/B0/s3cret?sig=q-secret');
    const text = scrub('failed https://hooks.example.com/services/T0/B0/s3cret?sig=q-secret; path /services/T0/B0/s3cret; query ?sig=q-secret');
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('q-secret');
  });
});
