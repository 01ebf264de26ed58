import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Credentials } from '../../src/adapters/alpaca/credentials.js';
import { resolveAlpacaUrls } from '../../src/adapters/alpaca/urls.js';

const PAPER_KEYS = { ALPACA_API_KEY: 'PKTESTKEY123', ALPACA_API_SECRET: 'paper-secret-value' };
const LIVE_KEYS = { ALPACA_LIVE_API_KEY: 'AKLIVEKEY456', ALPACA_LIVE_API_SECRET: 'live-secret-value' };

describe('resolveAlpacaUrls', () => {
  it('uses the documented paper hosts by default', () => {
    const r = resolveAlpacaUrls(PAPER_KEYS, 'paper');
    expect(r.problems).toEqual([]);
    expect(r.mode).toBe('paper');
    expect(r.urls).toEqual({
      trading: 'https://paper-api.alpaca.markets',
      tradeStream: 'wss://paper-api.alpaca.markets/stream',
      data: 'https://data.alpaca.markets',
      dataStream: 'wss://stream.data.alpaca.markets/v2/iex',
    });
    expect(r.credentials?.keyId()).toBe('PKTESTKEY123');
    expect(r.credentials?.secret()).toBe('paper-secret-value');
  });

  it('uses the live host and only the live key pair in live mode', () => {
    const r = resolveAlpacaUrls({ ...PAPER_KEYS, ...LIVE_KEYS }, 'live');
    expect(r.urls.trading).toBe('https://api.alpaca.markets');
    expect(r.urls.tradeStream).toBe('wss://api.alpaca.markets/stream');
    expect(r.credentials?.keyId()).toBe('AKLIVEKEY456');
  });

  it('does not fall back to the paper keys when live keys are missing', () => {
    const r = resolveAlpacaUrls(PAPER_KEYS, 'live');
    expect(r.credentials).toBeNull();
    expect(r.problems).toEqual([
      'ALPACA_LIVE_API_KEY is required for live trading',
      'ALPACA_LIVE_API_SECRET is required for live trading',
    ]);
  });

  it('turns an http trading override into a ws stream url and drops trailing slashes', () => {
    const r = resolveAlpacaUrls({
      ...PAPER_KEYS,
      ALPACA_PAPER_URL: 'http://127.0.0.1:4010/',
      ALPACA_DATA_URL: 'http://127.0.0.1:4011',
      ALPACA_DATA_STREAM_URL: 'ws://127.0.0.1:4011/v2/test',
    }, 'paper');
    expect(r.problems).toEqual([]);
    expect(r.urls).toEqual({
      trading: 'http://127.0.0.1:4010',
      tradeStream: 'ws://127.0.0.1:4010/stream',
      data: 'http://127.0.0.1:4011',
      dataStream: 'ws://127.0.0.1:4011/v2/test',
    });
  });

  it('reports every problem at once', () => {
    const r = resolveAlpacaUrls({ ALPACA_PAPER_URL: 'not a url', ALPACA_DATA_STREAM_URL: 'https://x.example/v2/iex', ALPACA_API_KEY: '  ' }, 'paper');
    expect(r.problems).toEqual([
      'ALPACA_PAPER_URL is not a URL: "not a url"',
      'ALPACA_DATA_STREAM_URL must use ws: or wss: (got https:)',
      'ALPACA_API_KEY is required for paper trading',
      'ALPACA_API_SECRET is required for paper trading',
    ]);
    expect(r.credentials).toBeNull();
  });
});

describe('Credentials', () => {
  const creds = new Credentials('PKTESTKEY123', 'super-secret-value');

  it('never prints the secret through JSON, String or inspect', () => {
    const printed = [JSON.stringify({ creds }), String(creds), `${creds}`, inspect(creds), inspect({ nested: { creds } })];
    for (const text of printed) {
      expect(text).not.toContain('super-secret-value');
      expect(text).not.toContain('PKTESTKEY123');
    }
    expect(JSON.parse(JSON.stringify(creds))).toEqual({ keyId: 'PKTE****', secret: '****' });
  });

  it('has no enumerable property holding the secret', () => {
    expect(Object.values(creds)).toEqual([]);
    expect({ ...creds }).toEqual({});
  });
});
