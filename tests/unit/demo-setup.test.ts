import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_MARKER, demoEnv, latestSessionStart, prepareDemoDir, readDemoArgs } from '../../src/cli/demo-setup.js';

const root = mkdtempSync(path.join(tmpdir(), 'keel-demo-setup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the demo begins at 09:25 New York of the latest trading session', () => {
  it('today once it is 09:25 on a trading day', () => {
    expect(new Date(latestSessionStart(Date.parse('2026-11-20T20:00:00Z'))).toISOString()).toBe('2026-11-20T14:25:00.000Z'); // Fri 15:00 ET
    expect(new Date(latestSessionStart(Date.parse('2026-11-20T14:25:00Z'))).toISOString()).toBe('2026-11-20T14:25:00.000Z');
  });

  it('the trading day before, before 09:25, on a weekend and on a holiday', () => {
    expect(new Date(latestSessionStart(Date.parse('2026-11-20T14:24:59Z'))).toISOString()).toBe('2026-11-19T14:25:00.000Z');
    expect(new Date(latestSessionStart(Date.parse('2026-11-22T03:00:00Z'))).toISOString()).toBe('2026-11-20T14:25:00.000Z'); // Sat night
    expect(new Date(latestSessionStart(Date.parse('2026-11-26T18:00:00Z'))).toISOString()).toBe('2026-11-25T14:25:00.000Z'); // Thanksgiving
  });
});

describe('readDemoArgs', () => {
  const now = Date.parse('2026-11-20T20:00:00Z');
  it('defaults: 60×, the latest session, a signal every 3 minutes, .keel/demo', () => {
    const read = readDemoArgs([], now, '/work');
    expect(read).toEqual({ ok: true, options: { speed: 60, start: Date.parse('2026-11-20T14:25:00Z'), everyMin: 3, dataDir: '/work/.keel/demo' } });
  });

  it('lists every problem at once', () => {
    const read = readDemoArgs(['--speed', '0', '--start', 'yesterday', '--every=-1'], now, '/work');
    expect(read.ok).toBe(false);
    if (read.ok !== false) return;
    expect(read.problems).toHaveLength(3);
    expect(read.problems.join(' ')).toMatch(/--speed.*--start.*--every/);
  });

  it('refuses an unknown flag with its name', () => {
    const read = readDemoArgs(['--sped', '10'], now, '/work');
    expect(read.ok).toBe(false);
    if (read.ok === false) expect(read.problems[0]).toMatch(/sped/);
  });
});

describe('prepareDemoDir', () => {
  it('creates the directory with its marker, and clears a demo directory at the next start', () => {
    const dir = path.join(root, 'fresh');
    prepareDemoDir(dir);
    expect(readdirSync(dir)).toEqual([DEMO_MARKER]);
    writeFileSync(path.join(dir, 'left-from-last-run'), 'x');
    prepareDemoDir(dir);
    expect(readdirSync(dir)).toEqual([DEMO_MARKER]);
  });

  it('refuses a directory that holds anything but a demo, and leaves it as it was', () => {
    const dir = path.join(root, 'someone-elses');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'keep-me'), 'x');
    expect(() => prepareDemoDir(dir)).toThrow(/not a demo's directory/);
    expect(existsSync(path.join(dir, 'keep-me'))).toBe(true);
  });
});

describe('demoEnv', () => {
  it('keeps the listen address and log format, drops every key, database and token that could reach paper or live data', () => {
    const env = demoEnv({
      PORT: '0', HOST: '127.0.0.1', KEEL_LOG_FORMAT: 'json', PATH: '/bin', HOME: '/root',
      ALPACA_API_KEY: 'k', ALPACA_API_SECRET: 's', ALPACA_LIVE_API_KEY: 'lk', ALPACA_LIVE_API_SECRET: 'ls', ALPACA_PAPER_URL: 'http://x',
      DATABASE_URL: 'postgres://u:p@h/db', KEEL_API_TOKEN: 't', KEEL_DATA_DIR: '/real', KEEL_WEBHOOK_URL: 'https://hooks',
    }, '/tmp/demo');
    expect(env).toEqual({ PORT: '0', HOST: '127.0.0.1', KEEL_LOG_FORMAT: 'json', PATH: '/bin', HOME: '/root', KEEL_DATA_DIR: '/tmp/demo' });
  });
});
