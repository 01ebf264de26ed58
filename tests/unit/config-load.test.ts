import path from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig, redact, type KeelConfig } from '../../src/config/config.js';

const CWD = '/srv/keel';
const PAPER = { ALPACA_API_KEY: 'PKPAPERKEY123', ALPACA_API_SECRET: 'paper-secret-value-xyz' };
const LIVE = { ALPACA_LIVE_API_KEY: 'AKLIVEKEY456', ALPACA_LIVE_API_SECRET: 'live-secret-value-xyz' };

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

  it('accepts the test-only KEEL_SHARED_DIR so CI environments start', () => {
    expect(ok({ KEEL_SHARED_DIR: '../shared' }).port).toBe(3000);
  });
});

describe('redact', () => {
  const config = ok({ ...PAPER, ...LIVE, KEEL_API_TOKEN: 'super-secret-api-token', DATABASE_URL: 'postgres://keel:dbpass123@db/keel' });

  it('never prints the API token, the Alpaca secrets or the database password', () => {
    const printed = [JSON.stringify(redact(config)), inspect(redact(config), { depth: 10 })].join('\n');
    for (const secret of ['super-secret-api-token', PAPER.ALPACA_API_SECRET, LIVE.ALPACA_LIVE_API_SECRET, 'dbpass123']) {
      expect(printed).not.toContain(secret);
    }
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
