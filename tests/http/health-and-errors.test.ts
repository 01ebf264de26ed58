import { beforeEach, describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/money.js';
import { createApp } from '../../src/http/app.js';
import { useApiContract } from '../support/api-contract.js';
import { FakeBotControl } from '../support/fake-bot-control.js';
import { FakePipelineControl } from '../support/fake-pipeline-control.js';

const TOKEN = 'test-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };

describe('health, reconciliation and the error funnel', () => {
  const contract = useApiContract();
  let control: FakeBotControl;
  let logged: unknown[];
  let app: ReturnType<typeof createApp>;

  beforeEach(() => {
    control = new FakeBotControl();
    logged = [];
    app = contract.check(createApp({ control, pipeline: new FakePipelineControl(), apiToken: TOKEN, logError: (e) => logged.push(e) }));
  });

  it('answers /healthz 200 with the database and broker checks when both are up', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, database: { ok: true, error: null }, broker: { ok: true, error: null } });
  });

  it('answers /healthz 503 with the failing dependency when one is down', async () => {
    control.healthReport = { ok: false, database: { ok: true, error: null }, broker: { ok: false, error: 'connect ECONNREFUSED' } };
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect((await res.json()).broker).toEqual({ ok: false, error: 'connect ECONNREFUSED' });
  });

  it('answers /healthz 503 with the startup step while Keel is starting, then 200', async () => {
    let step: string | null = 'starting: reconciling with the broker before running again';
    const starting = contract.check(createApp({ control, pipeline: new FakePipelineControl(), apiToken: TOKEN, starting: async () => step }));
    const res = await starting.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false, starting: 'starting: reconciling with the broker before running again', database: { ok: true } });
    step = null;
    expect((await starting.request('/healthz')).status).toBe(200);
  });

  it('answers /healthz 503 without the error text when the check itself throws', async () => {
    control.failWith = new Error('pool exploded: postgres://keel:hunter2@db/keel');
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe('HEALTH_CHECK_FAILED');
    expect(text).not.toContain('hunter2');
  });

  it('turns an unexpected facade error into 500 INTERNAL with no message, stack or secret', async () => {
    const boom = new Error('db password hunter2 rejected');
    control.failWith = boom;
    const res = await app.request('/api/bot/status', { headers: AUTH });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('at ');
    expect(logged).toEqual([boom]);
  });

  it('answers an unknown route with 404 in the same error shape', async () => {
    const res = await app.request('/api/bot/launch-rockets', { method: 'POST', headers: AUTH });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('NOT_FOUND');
    const outside = await app.request('/nope');
    expect(outside.status).toBe(404);
    expect((await outside.json()).error.code).toBe('NOT_FOUND');
  });

  it('answers GET /api/reconciliation 404 NOT_FOUND before any reconciliation ran', async () => {
    const res = await app.request('/api/reconciliation', { headers: AUTH });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('NOT_FOUND');
  });

  it('answers GET /api/reconciliation with the last report, Decimals as strings', async () => {
    control.reconciliation = {
      startedAt: 1_000, finishedAt: 2_000, ok: true, error: null, journalLiveTrades: 1, brokerPositions: 1, brokerOpenOrders: 0,
      findings: [{ kind: 'quantity_mismatch', tradeId: 't1', symbol: 'ABCD', journalShares: dec(100), brokerShares: dec('99.5') }],
    };
    const res = await app.request('/api/reconciliation', { headers: AUTH });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.findings).toEqual([{ kind: 'quantity_mismatch', tradeId: 't1', symbol: 'ABCD', journalShares: '100', brokerShares: '99.5' }]);
    expect(body).toMatchObject({ ok: true, startedAt: 1_000, brokerPositions: 1 });
  });

  it('refuses an oversized body with 413 before the facade sees it', async () => {
    const res = await app.request('/api/bot/config', {
      method: 'PATCH',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ enabledStrategies: Array.from({ length: 20_000 }, () => 'momentum') }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(control.callsOf('patchConfig')).toEqual([]);
  });
});
