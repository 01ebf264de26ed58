/**
 * The logger's two formats and its secret masking, the log format setting, and the broker route
 * templates that keep ids and symbols out of metric labels.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/log/pino.logger.js';
import { SecretScrubber } from '../../src/adapters/log/secret-scrubber.js';
import { routeTemplate } from '../../src/adapters/alpaca/route-template.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { loadConfig } from '../../src/config/config.js';
import { secretValues } from '../../src/config/secret-values.js';

const ENV = {
  KEEL_API_TOKEN: 'api-token-0123456789abcdef',
  ALPACA_API_KEY: 'PKEXAMPLEKEYID', ALPACA_API_SECRET: 'alpaca-secret-xyz-42',
  DATABASE_URL: 'postgres://keel:db-p%40ss-word@db.example:5432/keel',
  KEEL_WEBHOOK_URL: 'https://hooks.example.com/services/T000/B000/hook-secret?token=q1w2e3',
  KEEL_TELEGRAM_BOT_TOKEN: '123456:AAbotsecretTOKENvalue', KEEL_TELEGRAM_CHAT_ID: '-100200',
};
const SECRETS = ['api-token-0123456789abcdef', 'PKEXAMPLEKEYID', 'alpaca-secret-xyz-42', 'db-p%40ss-word', 'db-p@ss-word',
  '/services/T000/B000/hook-secret', 'q1w2e3', 'AAbotsecretTOKENvalue'];

function capture(format: 'text' | 'json') {
  const loaded = loadConfig(ENV);
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const out: string[] = [];
  const err: string[] = [];
  const logger = createLogger({
    format, clock: new ManualClock('2026-03-02T14:30:00Z'), scrubber: new SecretScrubber(secretValues(loaded.config)),
    out: { write: (l: string) => out.push(l) }, err: { write: (l: string) => err.push(l) },
  });
  return { logger, out, err };
}

/** every secret, as is, percent-encoded and inside a URL, in the message, the error and a field */
function logEverySecret(logger: ReturnType<typeof capture>['logger']): void {
  const all = SECRETS.join(' ');
  logger.child('broker').warn(`request to ${ENV.KEEL_WEBHOOK_URL} failed`, new Error(`refused ${all} ${encodeURIComponent(all)}`));
  logger.child('http').info('started', { url: `https://api.telegram.org/bot123456:AAbotsecretTOKENvalue/sendMessage`, note: all });
}

describe('the logger', () => {
  it('writes JSON lines with level, time and component, warnings to stderr, and masks every configured secret', () => {
    const { logger, out, err } = capture('json');
    logEverySecret(logger);
    expect(err).toHaveLength(1);
    expect(out).toHaveLength(1);
    expect(err[0]!.match(/"component"/g)).toHaveLength(1);
    const warn = JSON.parse(err[0]!);
    expect(warn).toMatchObject({ level: 'warn', time: '2026-03-02T14:30:00.000Z', component: 'broker' });
    expect(JSON.parse(out[0]!)).toMatchObject({ level: 'info', time: '2026-03-02T14:30:00.000Z', component: 'http' });
    for (const secret of SECRETS) expect([...out, ...err].join(''), secret).not.toContain(secret);
  });

  it('writes one readable line per event in the text format, masked the same way', () => {
    const { logger, out, err } = capture('text');
    logEverySecret(logger);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^2026-03-02T14:30:00\.000Z WARN {2}broker: request to https:\/\/hooks\.example\.com\/\*\*\*\* failed: refused /);
    expect(err[0]!.trimEnd().split('\n')).toHaveLength(1);
    expect(out[0]).toMatch(/^2026-03-02T14:30:00\.000Z INFO {2}http: started url=https:\/\/api\.telegram\.org\/bot123456:\*\*\*\*\/sendMessage /);
    for (const secret of SECRETS) expect([...out, ...err].join(''), secret).not.toContain(secret);
  });
});

describe('KEEL_LOG_FORMAT', () => {
  it('defaults to text and accepts json', () => {
    const text = loadConfig({});
    const json = loadConfig({ KEEL_LOG_FORMAT: 'json' });
    expect(text.ok && text.config.logFormat).toBe('text');
    expect(json.ok && json.config.logFormat).toBe('json');
  });

  it('refuses an unknown format, listed with the other problems', () => {
    const result = loadConfig({ KEEL_LOG_FORMAT: 'yaml', PORT: 'x' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(2);
    expect(result.problems.find((p) => p.startsWith('KEEL_LOG_FORMAT'))).toContain('text, json');
  });
});

describe('broker route templates for metric labels', () => {
  it('replaces order ids and symbols, keeps fixed routes, and labels an unknown path "other"', () => {
    expect(routeTemplate('/v2/orders/61e69015-8549-4bfd-b9c3-01e75843f47d')).toBe('/v2/orders/{id}');
    expect(routeTemplate('/v2/positions/AAPL')).toBe('/v2/positions/{symbol}');
    expect(routeTemplate('/v2/orders')).toBe('/v2/orders');
    expect(routeTemplate('/v2/orders:by_client_order_id')).toBe('/v2/orders:by_client_order_id');
    expect(routeTemplate('/v2/account/activities/FILL')).toBe('/v2/account/activities/FILL');
    expect(routeTemplate('/v2/assets/AAPL')).toBe('other');
  });
});
