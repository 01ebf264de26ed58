/**
 * Observability of a real Keel process (src/main.ts) trading on the simulated exchange (another
 * process) with KEEL_LOG_FORMAT=json:
 *  - GET /metrics over HTTP needs the bearer token; after a signal fires and its entry fills, the
 *    scrape shows it (signals, orders, broker requests, latencies) and the gauges equal what
 *    /api/bot/status says; no label value is a symbol or an id;
 *  - every line the process writes is a JSON object with level, time and component, and no
 *    secret from its environment (API token, Alpaca secret, webhook path) appears anywhere;
 *  - an unknown KEEL_LOG_FORMAT is refused at start, naming the variable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { jsonEvents, startKeelProcess, type KeelProcess } from '../support/keel-process.js';
import { startSimChild, type SimChild } from '../support/sim-child-process.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const SYMBOL = 'OBSV';
const API_TOKEN = 'metrics-test-token-7f3a9c2e51d0';
const WEBHOOK_PATH = '/hooks/T0PSECRET-webhook-path-88c1';

interface Sample { name: string; labels: Record<string, string>; value: number }

function parseProm(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

let testDb: TestDb;
let sim: SimChild;
let dataDir: string;
let keel: KeelProcess | null = null;

beforeAll(async () => {
  testDb = await createTestDb();
  sim = await startSimChild({ [SYMBOL]: 20 });
  dataDir = mkdtempSync(path.join(tmpdir(), 'keel-observe-'));
});

afterAll(async () => {
  await keel?.stop();
  await sim?.stop();
  await testDb.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function scrape(k: KeelProcess, token: string | null): Promise<{ status: number; text: string }> {
  const res = await fetch(`${k.url}/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { status: res.status, text: await res.text() };
}

describe('a Keel process with KEEL_LOG_FORMAT=json', () => {
  it('serves its metrics behind the token, counts a trade where it happens, and logs JSON lines without secrets', async () => {
    keel = await startKeelProcess({
      ...sim.env, DATABASE_URL: testDb.url, KEEL_DATA_DIR: dataDir, PORT: '0', KEEL_API_TOKEN: API_TOKEN,
      KEEL_LOG_FORMAT: 'json', KEEL_WEBHOOK_URL: `http://127.0.0.1:9${WEBHOOK_PATH}?key=q-secret-1234`,
    });
    const k = keel;
    expect((await scrape(k, null)).status).toBe(401);
    expect((await scrape(k, 'not-the-token-at-all')).status).toBe(401);

    expect((await k.api('PATCH', '/api/bot/config', { executionMode: 'full_auto' })).status).toBe(200);
    expect((await k.api('POST', '/api/bot/start')).body.state).toBe('running');
    // entries wait for the trade stream to be live: a fresh signal id per try
    let n = 0;
    const signalId = await eventually(async () => {
      const id = `observe-${++n}`;
      const { body } = await k.api('POST', '/api/signals', { id, symbol: SYMBOL, side: 'buy', catalystType: 'earnings', catalystTier: 1 });
      if (body.outcome !== 'fired') throw new Error(`signal ${id}: ${JSON.stringify(body)}`);
      return id;
    });
    const tradeId = (await k.api('GET', `/api/signals/${signalId}`)).body.tradeId as string;
    const trade = await eventually(async () => {
      const t = (await k.api('GET', `/api/trades/${tradeId}`)).body.trade;
      if (t?.status !== 'open') throw new Error(`trade ${t?.status}`);
      return t;
    });

    const samples = await eventually(async () => {
      const { status, text } = await scrape(k, API_TOKEN);
      expect(status).toBe(200);
      const s = parseProm(text);
      if (value(s, 'keel_open_positions') !== 1) throw new Error('the fill is not counted yet');
      return s;
    });
    const status = (await k.api('GET', '/api/bot/status')).body;
    expect(value(samples, 'keel_bot_state', { state: status.state })).toBe(1);
    expect(samples.filter((s) => s.name === 'keel_bot_state' && s.value === 1)).toHaveLength(1);
    expect(value(samples, 'keel_trading_mode', { mode: status.mode })).toBe(1);
    expect(value(samples, 'keel_open_positions')).toBe(status.openPositionCount);
    expect(value(samples, 'keel_build_info')).toBe(1);
    expect(samples.find((s) => s.name === 'keel_build_info')?.labels.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(value(samples, 'keel_signals_total', { outcome: 'fired' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'keel_orders_submitted_total', { side: 'buy' })).toBe(1);
    expect(value(samples, 'keel_broker_requests_total', { route: '/v2/orders', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'keel_broker_requests_total', { route: '/v2/account', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'keel_broker_request_seconds_count', { route: '/v2/orders' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'keel_signal_to_order_seconds_count')).toBe(1);
    expect(value(samples, 'keel_entry_fill_seconds_count')).toBe(1);
    expect(value(samples, 'keel_stream_connected', { stream: 'trade_updates' })).toBe(1);
    expect(value(samples, 'keel_equity_usd')).toBeGreaterThan(0);
    expect(value(samples, 'keel_kill_switch_engaged')).toBe(0);
    for (const name of ['keel_drawdown_ratio', 'keel_realized_pnl_today_usd', 'keel_order_rejections_total', 'keel_stream_reconnects_total',
      'keel_market_data_age_seconds', 'keel_pending_approvals', 'keel_breaker_level']) {
      expect((await scrape(k, API_TOKEN)).text, name).toContain(`# TYPE ${name} `);
    }
    // bounded labels: no symbol, signal id, trade id or order id ever becomes a label value
    const ids = [SYMBOL, signalId, tradeId, trade.entryOrderId as string, trade.entryClientOrderId as string].filter(Boolean);
    const labelValues = samples.flatMap((s) => Object.values(s.labels));
    for (const id of ids) expect(labelValues.filter((v) => v.includes(id)), id).toEqual([]);

    expect(await k.stop()).toBe(0);
    keel = null;
    const output = k.output();
    for (const secret of [API_TOKEN, 'keel-test-secret', WEBHOOK_PATH, 'q-secret-1234']) expect(output).not.toContain(secret);
    const lines = output.split('\n').filter((line) => line.trim() !== '');
    const events = jsonEvents(`${lines.join('\n')}\n`);
    expect(events.length).toBe(lines.length);
    for (const e of events) {
      expect(typeof e.level).toBe('string');
      expect(typeof e.component).toBe('string');
      expect(new Date(String(e.time)).toISOString()).toBe(e.time);
    }
    expect(events.some((e) => e.url === k.url)).toBe(true);
  });

  it('refuses an unknown KEEL_LOG_FORMAT at start, naming the variable', async () => {
    const refused = startKeelProcess({ DATABASE_URL: testDb.url, KEEL_DATA_DIR: dataDir, PORT: '0', KEEL_LOG_FORMAT: 'yaml' });
    await expect(refused).rejects.toThrow(/exited \(1\)[\s\S]*KEEL_LOG_FORMAT[\s\S]*yaml/);
  });
});
