import path from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig, redact, type KeelConfig } from '../../src/config/config.js';

const CWD = '/srv/keel';
const PAPER = { ALPACA_API_KEY: 'PKPAPERKEY123', ALPACA_API_SECRET: 'paper-secret-value-xyz' };
const LIVE = { ALPACA_LIVE_API_KEY: 'AKLIVEKEY456', ALPACA_LIVE_API_SECRET: 'live-secret-value-xyz' };
const BOT_TOKEN = '123456789:AAHbotSecretPart_xyz-0123456789';
const TELEGRAM = { KEEL_TELEGRAM_BOT_TOKEN: BOT_TOKEN, KEEL_TELEGRAM_CHAT_ID: '-1001234567890' };
const WEBHOOK = 'https://hooks.example.com/services/T0/B0/hookSecretPath?sig=hookSecretQuery';

function ok(env: Record<string, string | undefined>): KeelConfig {
  const result = loadConfig(env, { cwd: CWD });
  if (!result.ok) throw new Error(`expected a valid config, got: ${result.problems.join('; ')}`);
  return result.config;
}

function problems(env: Record<string, string | undefined>): string[] {
  const result = loadConfig(env, { cwd: CWD });
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('loadConfig', () => {
  it('uses the documented defaults for an empty environment, with the simulated exchange', () => {
    const config = ok({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', databaseUrl: null, apiToken: null, dataDir: path.join(CWD, '.keel') });
    expect(config.alpaca).toEqual({ paper: null, live: null, useSimulator: true });
    expect(config.notify).toEqual({ webhookUrl: null, telegram: null });
  });

  it('reads every variable when they are valid', () => {
    const config = ok({
      PORT: '0', HOST: '0.0.0.0', DATABASE_URL: 'postgresql://keel:pw@db:5432/keel', KEEL_DATA_DIR: 'var/keel',
      KEEL_API_TOKEN: 'a-long-enough-token', ALPACA_PAPER_URL: 'http://127.0.0.1:9000', ...PAPER, ...LIVE,
    });
    expect(config).toMatchObject({ port: 0, host: '0.0.0.0', databaseUrl: 'postgresql://keel:pw@db:5432/keel', dataDir: path.join(CWD, 'var/keel'), apiToken: 'a-long-enough-token' });
    expect(config.alpaca.useSimulator).toBe(false);
    expect(config.alpaca.paper?.urls.trading).toBe('http://127.0.0.1:9000');
    expect(config.alpaca.paper?.credentials?.keyId()).toBe('PKPAPERKEY123');
    expect(config.alpaca.live?.urls.trading).toBe('https://api.alpaca.markets');
    expect(config.alpaca.live?.credentials?.keyId()).toBe('AKLIVEKEY456');
  });

  it('keeps an absolute KEEL_DATA_DIR as given', () => {
    expect(ok({ KEEL_DATA_DIR: '/data/keel' }).dataDir).toBe('/data/keel');
  });

  it('returns a deeply frozen object', () => {
    const config = ok({ ...PAPER });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.alpaca)).toBe(true);
    expect(Object.isFrozen(config.alpaca.paper?.urls)).toBe(true);
  });

  it('lists every problem at once', () => {
    const found = problems({
      PORT: '70000', DATABASE_URL: 'mysql://keel@db/keel', KEEL_API_TOKEN: 'short',
      ALPACA_API_KEY: 'PKONLYKEY', ALPACA_LIVE_API_SECRET: 'only-secret', ALPACA_DATA_STREAM_URL: 'https://not-a-ws',
      KEEL_DATADIR: './typo',
    });
    expect(found).toHaveLength(7);
    const joined = found.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'KEEL_API_TOKEN', 'ALPACA_API_SECRET', 'ALPACA_LIVE_API_KEY', 'ALPACA_DATA_STREAM_URL', 'KEEL_DATADIR']) {
      expect(joined).toContain(name);
    }
  });

  it.each([['-1'], ['3000.5'], ['http'], ['65536']])('rejects PORT=%s', (port) => {
    expect(problems({ PORT: port })).toEqual([expect.stringContaining('PORT')]);
  });

  it('accepts postgres:// and postgresql:// database URLs and rejects non-URLs without echoing them', () => {
    expect(ok({ DATABASE_URL: 'postgres://localhost/keel' }).databaseUrl).toBe('postgres://localhost/keel');
    const found = problems({ DATABASE_URL: 'pw=hunter2 not a url' });
    expect(found).toHaveLength(1);
    expect(found[0]).not.toContain('hunter2');
  });

  it('requires the paper key pair both-or-neither', () => {
    expect(problems({ ALPACA_API_KEY: 'PKX12345' })).toEqual([expect.stringContaining('ALPACA_API_SECRET')]);
    expect(problems({ ALPACA_API_SECRET: 'secret-only' })).toEqual([expect.stringContaining('ALPACA_API_KEY')]);
    expect(ok({ ...PAPER }).alpaca.useSimulator).toBe(false);
  });

  it('requires the live key pair both-or-neither, independently of the paper pair', () => {
    expect(problems({ ...PAPER, ALPACA_LIVE_API_KEY: 'AKX12345' })).toEqual([expect.stringContaining('ALPACA_LIVE_API_SECRET')]);
    const liveOnly = ok({ ...LIVE });
    expect(liveOnly.alpaca.useSimulator).toBe(true);
    expect(liveOnly.alpaca.live?.credentials).not.toBeNull();
  });

  it('reports an Alpaca URL problem once even though paper and live both read the data URLs', () => {
    expect(problems({ ALPACA_DATA_URL: 'not a url' })).toEqual([expect.stringContaining('ALPACA_DATA_URL')]);
  });

  it('reports unknown KEEL_* variables and points KEEL_MODE at the mode endpoint', () => {
    const found = problems({ KEEL_DATADIR: 'x', KEEL_MODE: 'live' });
    expect(found).toHaveLength(2);
    expect(found.find((p) => p.startsWith('KEEL_MODE'))).toContain('/api/bot/mode');
    expect(found.find((p) => p.startsWith('KEEL_DATADIR'))).toContain('KEEL_DATA_DIR');
  });

  it('reads the notification targets: webhook URL and Telegram bot with the default API URL', () => {
    const config = ok({ KEEL_WEBHOOK_URL: WEBHOOK, ...TELEGRAM });
    expect(config.notify.webhookUrl).toBe(WEBHOOK);
    expect(config.notify.telegram).toMatchObject({ chatId: '-1001234567890', apiUrl: 'https://api.telegram.org' });
    expect(config.notify.telegram?.token.value()).toBe(BOT_TOKEN);
    expect(ok({ ...TELEGRAM, KEEL_TELEGRAM_API_URL: 'http://127.0.0.1:8081/' }).notify.telegram?.apiUrl).toBe('http://127.0.0.1:8081');
    expect(ok({ ...TELEGRAM, KEEL_TELEGRAM_CHAT_ID: '@keel_alerts' }).notify.telegram?.chatId).toBe('@keel_alerts');
  });

  it('requires the Telegram token and chat id both-or-neither', () => {
    expect(problems({ KEEL_TELEGRAM_BOT_TOKEN: BOT_TOKEN })).toEqual([expect.stringContaining('KEEL_TELEGRAM_CHAT_ID')]);
    expect(problems({ KEEL_TELEGRAM_CHAT_ID: '42' })).toEqual([expect.stringContaining('KEEL_TELEGRAM_BOT_TOKEN')]);
    expect(problems({ KEEL_TELEGRAM_API_URL: 'https://tg.example.com' })).toEqual([expect.stringContaining('KEEL_TELEGRAM_API_URL')]);
  });

  it.each([
    ['KEEL_WEBHOOK_URL', 'not a url /hookSecretPath'],
    ['KEEL_WEBHOOK_URL', 'ftp://hooks.example.com/hookSecretPath'],
    ['KEEL_WEBHOOK_URL', 'https://user:pw@hooks.example.com/hookSecretPath'],
    ['KEEL_TELEGRAM_API_URL', 'ws://tg.example.com/hookSecretPath'],
  ])('rejects %s=%s without echoing the URL', (name, value) => {
    const found = problems({ ...TELEGRAM, [name]: value });
    expect(found).toEqual([expect.stringContaining(name)]);
    expect(found[0]).not.toContain('hookSecretPath');
  });

  it('rejects a malformed bot token without echoing it, and a malformed chat id', () => {
    const found = problems({ KEEL_TELEGRAM_BOT_TOKEN: 'botSecretPart only', KEEL_TELEGRAM_CHAT_ID: 'my chat' });
    expect(found).toHaveLength(2);
    expect(found.join('\n')).not.toContain('botSecretPart');
    expect(found.join('\n')).toContain('KEEL_TELEGRAM_CHAT_ID');
  });
});

describe('redact', () => {
  const config = ok({
    ...PAPER, ...LIVE, KEEL_API_TOKEN: 'super-secret-api-token', DATABASE_URL: 'postgres://keel:dbpass123@db/keel',
    KEEL_WEBHOOK_URL: WEBHOOK, ...TELEGRAM,
  });
  const secrets = ['super-secret-api-token', PAPER.ALPACA_API_SECRET, LIVE.ALPACA_LIVE_API_SECRET, 'dbpass123', 'AAHbotSecretPart', 'hookSecretPath', 'hookSecretQuery'];

  it('never prints the API token, the Alpaca secrets, the database password, the bot token or the webhook path', () => {
    const printed = [JSON.stringify(redact(config)), inspect(redact(config), { depth: 10 })].join('\n');
    for (const secret of secrets) expect(printed).not.toContain(secret);
  });

  it('keeps the bot token out of the config itself when it is logged or serialised by accident', () => {
    const printed = [JSON.stringify(config), inspect(config, { depth: 10 }), String(config.notify.telegram?.token)].join('\n');
    expect(printed).not.toContain('AAHbotSecretPart');
  });

  it('shows the webhook by its origin and the bot by its id', () => {
    const printed = redact(config);
    expect(printed.notify.webhookUrl).toBe('https://hooks.example.com');
    expect(printed.notify.telegram).toEqual({ chatId: '-1001234567890', apiUrl: 'https://api.telegram.org', token: '123456789:****' });
    expect(redact(ok({})).notify).toEqual({ webhookUrl: null, telegram: null });
  });

  it('masks key ids like the adapter does and keeps the useful parts', () => {
    const printed = redact(config);
    expect(printed.alpaca.paper?.keyId).toBe('PKPA****');
    expect(printed.alpaca.live?.keyId).toBe('AKLI****');
    expect(printed.apiToken).toBe('****');
    expect(printed.databaseUrl).toBe('postgres://keel:****@db/keel');
    expect(printed.alpaca.paper?.urls.trading).toBe('https://paper-api.alpaca.markets');
  });

  it('shows an unset token and absent keys as null', () => {
    const printed = redact(ok({}));
    expect(printed.apiToken).toBeNull();
    expect(printed.alpaca).toEqual({ paper: null, live: null, useSimulator: true });
  });
});
