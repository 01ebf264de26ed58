/**
 * Text the database cannot hold never reaches it: the real app over the real control and pipeline
 * on real PostgreSQL. A NUL character or a lone surrogate in any text field of a body or a query
 * string answers 400 with every problem listed, and no row is written (PostgreSQL refuses NUL in
 * text and both in jsonb, which was a 500 after a partial write). Also the setting ranges of
 * PATCH /api/bot/config, and a stored config outside them still loading.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadBotConfig, queueFlatten } from '../../src/adapters/postgres/index.js';
import { createApp } from '../../src/http/app.js';
import { encodeCursor } from '../../src/adapters/postgres/page-cursor.js';
import { FakeSupervisor, startPipelineHarness, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const TOKEN = 'test-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const JSON_AUTH = { ...AUTH, 'content-type': 'application/json' };
const NUL = 'x\u0000y';
const LONE = 'x\ud800';

let t: TestDb;
let h: PipelineHarness;
let keel: Keel;
let app: ReturnType<typeof createApp>;
let unexpected: unknown[];

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  h = await startPipelineHarness(t, () => new FakeSupervisor());
  keel = await h.boot();
  unexpected = [];
  app = createApp({ control: keel.control, pipeline: keel.pipeline, apiToken: TOKEN, logError: (e) => unexpected.push(e) });
});
afterEach(async () => {
  await h.close();
  expect(unexpected).toEqual([]);
});

interface Issue { path: string; message: string }

/** every row count that a request could change, plus the whole config row */
async function snapshot(): Promise<unknown> {
  const counts = await sql<Record<string, string>>`SELECT
      (SELECT count(*) FROM signal) AS signals, (SELECT count(*) FROM bot_trade) AS trades,
      (SELECT count(*) FROM event_journal) AS journal`.execute(t.db);
  const config = await t.db.selectFrom('bot_config').selectAll().executeTakeFirst();
  return { ...counts.rows[0], config };
}

async function expect400(method: string, path: string, body?: unknown): Promise<Issue[]> {
  const before = await snapshot();
  const res = await app.request(path, { method, headers: JSON_AUTH, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = await res.json();
  expect(res.status, `${method} ${path}: ${JSON.stringify(json)}`).toBe(400);
  expect(json.error.code).toBe('VALIDATION_FAILED');
  expect(await snapshot()).toEqual(before);
  return json.error.issues as Issue[];
}

const paths = (issues: Issue[]) => issues.map((i) => i.path).sort();

const SIGNAL = { symbol: 'AAPL', side: 'buy', catalystType: 'earnings', catalystTier: 1 };

describe('text the database cannot hold: 400 before any write', () => {
  it('POST /api/signals: a NUL in catalystType and a lone surrogate in strategy, both listed', async () => {
    const issues = await expect400('POST', '/api/signals', { ...SIGNAL, catalystType: NUL, strategy: LONE });
    expect(paths(issues)).toEqual(['catalystType', 'strategy']);
    expect(issues.find((i) => i.path === 'catalystType')?.message).toMatch(/control character/);
    expect(issues.find((i) => i.path === 'strategy')?.message).toMatch(/lone surrogate/);
  });

  it('POST /api/signals: a lone surrogate alone (catalystType) and a C0 control (strategy)', async () => {
    expect(paths(await expect400('POST', '/api/signals', { ...SIGNAL, catalystType: LONE, strategy: 'gap\u001bup' }))).toEqual(['catalystType', 'strategy']);
  });

  it('POST /api/signals/evaluate refuses the same text (the what-if stores nothing, but answers like intake)', async () => {
    expect(paths(await expect400('POST', '/api/signals/evaluate', { ...SIGNAL, catalystType: NUL }))).toEqual(['catalystType']);
  });

  it('a valid signal with non-ASCII text is stored and read back unchanged', async () => {
    const res = await app.request('/api/signals', { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ ...SIGNAL, id: 'uni-1', catalystType: 'Übernahme 🚀', strategy: 'gap‑and‑go' }) });
    expect(res.status).toBe(202);
    const stored = await (await app.request('/api/signals/uni-1', { headers: AUTH })).json();
    expect(stored.input).toMatchObject({ catalystType: 'Übernahme 🚀', strategy: 'gap‑and‑go' });
  });

  it('POST /api/signals/:id/reject: a NUL or a lone surrogate in the note', async () => {
    await keel.control.patchConfig({ executionMode: 'semi_auto' }, 'test');
    expect((await keel.control.act('start', 'test')).ok).toBe(true);
    await keel.pipeline.ingestSignal({ ...SIGNAL, id: 'wait', side: 'buy', catalystTier: 1, aiConfidence: null, stars: null, confidence: null,
      strategy: null, priceAtSignal: null, stopLossPrice: null, takeProfitPrice: null, floatShares: null, relativeVolume: null });
    expect((await keel.pipeline.getSignal('wait'))?.status).toBe('pending');
    expect(paths(await expect400('POST', '/api/signals/wait/reject', { note: NUL }))).toEqual(['note']);
    expect(paths(await expect400('POST', '/api/signals/wait/reject', { note: LONE }))).toEqual(['note']);
    expect((await keel.pipeline.getSignal('wait'))?.status).toBe('pending');
  });

  it('DELETE /api/bot/flatten-queue: a NUL or a lone surrogate in the reason; the flatten stays queued', async () => {
    await queueFlatten(t.db, h.clock.now());
    expect(paths(await expect400('DELETE', '/api/bot/flatten-queue', { reason: NUL }))).toEqual(['reason']);
    expect(paths(await expect400('DELETE', '/api/bot/flatten-queue', { reason: LONE }))).toEqual(['reason']);
    expect((await keel.control.status()).flattenQueuedAt).not.toBeNull();
  });

  it('PATCH /api/bot/config: a NUL or a lone surrogate in a strategy name, listed per element', async () => {
    expect(paths(await expect400('PATCH', '/api/bot/config', { enabledStrategies: ['ok', NUL, LONE] }))).toEqual(['enabledStrategies.1', 'enabledStrategies.2']);
  });

  it('query strings: ?symbol, ?status and a cursor carrying a NUL or a lone surrogate', async () => {
    for (const list of ['/api/signals', '/api/trades']) {
      expect(paths(await expect400('GET', `${list}?symbol=A%00&status=x%00`))).toEqual(['status', 'symbol']);
      expect(paths(await expect400('GET', `${list}?symbol=%ED%A0%80`))).toEqual(['symbol']);
    }
    // a well-formed base64url cursor whose JSON holds a NUL or a lone surrogate in the id
    for (const id of ['a\u0000b', 'a\ud800']) {
      const cursor = encodeCursor({ at: 1, id });
      expect(paths(await expect400('GET', `/api/signals?cursor=${cursor}`))).toEqual(['cursor']);
      expect(paths(await expect400('GET', `/api/trades?cursor=${cursor}`))).toEqual(['cursor']);
    }
  });
});

describe('PATCH /api/bot/config ranges, on the real control', () => {
  it('refuses denormals, overflowing strings and huge amounts, each listed, nothing changed', async () => {
    const issues = await expect400('PATCH', '/api/bot/config', {
      hardStopLossPct: 1e-320, dailyLossLimitUsd: '1e309', maxPerTradeUsd: 1e-320, positionSizeUsd: 1e20,
      profitTargetPct: 'NaN', trailingStopPct: 12.34567, maxTradesPerDay: 1e9,
    });
    expect(paths(issues)).toEqual(['dailyLossLimitUsd', 'hardStopLossPct', 'maxPerTradeUsd', 'maxTradesPerDay', 'positionSizeUsd', 'profitTargetPct', 'trailingStopPct']);
  });

  it('accepts values at the edges of each range and stores them exactly', async () => {
    const res = await app.request('/api/bot/config', { method: 'PATCH', headers: JSON_AUTH, body: JSON.stringify({
      hardStopLossPct: 0.0001, profitTargetPct: 100, maxPerTradeUsd: '10000000', positionSizeUsd: 0.01, dailyLossLimitUsd: '0',
    }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ hardStopLossPct: 0.0001, profitTargetPct: 100, maxPerTradeUsd: '10000000', positionSizeUsd: '0.01', dailyLossLimitUsd: '0' });
  });

  it('a stored config outside today\'s ranges still loads (ranges bind writes through the API, not reads)', async () => {
    await loadBotConfig(t.db, h.clock.now());
    await sql`UPDATE bot_config SET hard_stop_loss_pct = 1e-30, max_per_trade_usd = 1e20, max_trades_per_day = 1000000000`.execute(t.db);
    const config = await (await app.request('/api/bot/config', { headers: AUTH })).json();
    expect(config).toMatchObject({ hardStopLossPct: 1e-30, maxPerTradeUsd: '100000000000000000000', maxTradesPerDay: 1_000_000_000 });
    const booted = await h.boot({ settings: {} });
    expect((await booted.control.status()).state).toBe('stopped');
  });
});
