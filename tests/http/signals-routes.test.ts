import { beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/money.js';
import type { SignalInput, SignalRecord } from '../../src/domain/signal.js';
import { createApp } from '../../src/http/app.js';
import { useApiContract } from '../support/api-contract.js';
import { FakeBotControl } from '../support/fake-bot-control.js';
import { FakePipelineControl } from '../support/fake-pipeline-control.js';

const TOKEN = 'test-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const JSON_AUTH = { ...AUTH, 'content-type': 'application/json' };

const VALID = { symbol: 'abcd', side: 'buy', catalystType: 'fda_approval', catalystTier: 3, aiConfidence: 'high' };

const pendingRecord = (id: string): SignalRecord => ({
  id, receivedAt: 1_000, executionMode: 'semi_auto', stars: 4, status: 'pending', denial: null, verdicts: [],
  input: { id, symbol: 'ABCD', side: 'buy', catalystType: 'fda', catalystTier: 3, aiConfidence: 'medium', stars: null,
    confidence: null, strategy: null, priceAtSignal: new Decimal('0.0000001'), stopLossPrice: null, takeProfitPrice: null,
    floatShares: null, relativeVolume: null },
  size: { notional: new Decimal('75'), inputs: { mode: 'star_tiers', stars: 4 } },
  tradeId: null, expiresAt: 301_000, decidedAt: null, note: null,
});

describe('signal routes', () => {
  const contract = useApiContract();
  let pipeline: FakePipelineControl;
  let app: ReturnType<typeof createApp>;

  beforeEach(() => {
    pipeline = new FakePipelineControl();
    app = contract.check(createApp({ control: new FakeBotControl(), pipeline, apiToken: TOKEN, logError: () => {} }));
  });

  const postSignal = (body: unknown) =>
    app.request('/api/signals', { method: 'POST', headers: JSON_AUTH, body: typeof body === 'string' ? body : JSON.stringify(body) });

  it('answers 401 on every pipeline route without a token and calls nothing', async () => {
    const routes: Array<[string, string]> = [
      ['POST', '/api/signals'], ['GET', '/api/signals'], ['GET', '/api/signals/s1'],
      ['POST', '/api/signals/s1/approve'], ['POST', '/api/signals/s1/reject'],
      ['GET', '/api/trades'], ['GET', '/api/trades/t1'], ['POST', '/api/bot/emergency-stop'],
    ];
    for (const [method, path] of routes) {
      const res = await app.request(path, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
      expect(res.status, `${method} ${path}`).toBe(401);
      expect((await res.json()).error.code).toBe('UNAUTHORIZED');
    }
    expect(pipeline.calls).toEqual([]);
  });

  it('accepts a signal with 202 and the answer, passing a normalized input to the pipeline', async () => {
    pipeline.nextAnswer = { outcome: 'skipped', reason: 'STARS_TOO_LOW' };
    const res = await postSignal({ ...VALID, id: 'ext-1:a', priceAtSignal: '4.000000001', stopLossPrice: 3.5, stars: 2 });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ signalId: 'ext-1:a', outcome: 'skipped', reason: 'STARS_TOO_LOW' });
    const input = pipeline.callsOf('ingestSignal')[0]!.args[0] as SignalInput;
    expect(input).toMatchObject({ id: 'ext-1:a', symbol: 'ABCD', catalystTier: 3, aiConfidence: 'high', stars: 2,
      confidence: null, strategy: null, takeProfitPrice: null, floatShares: null, relativeVolume: null });
    expect(input.priceAtSignal?.toFixed()).toBe('4.000000001');
    expect(input.stopLossPrice?.toFixed()).toBe('3.5');
  });

  it('answers the what-if (POST /api/signals/evaluate) with 200, every verdict and the size, without ingesting', async () => {
    pipeline.evaluation = {
      symbol: 'X', executionMode: 'full_auto', stars: 4, outcome: 'would_skip',
      denial: { code: 'DAILY_LOSS_LIMIT', message: 'would breach the daily loss limit', context: { limit: '500' } },
      verdicts: [{ check: 'daily-loss', passed: false, denial: { code: 'DAILY_LOSS_LIMIT', message: 'would breach the daily loss limit', context: { limit: '500' } } }],
      size: { notional: new Decimal('75.5'), inputs: { mode: 'star_tiers' } }, warnings: [],
    };
    const res = await app.request('/api/signals/evaluate', { method: 'POST', headers: JSON_AUTH, body: JSON.stringify(VALID) });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ symbol: 'ABCD', outcome: 'would_skip', denial: { code: 'DAILY_LOSS_LIMIT' }, size: { notional: '75.5' } });
    expect(body.verdicts).toHaveLength(1);
    expect(pipeline.calls.map((c) => c.method)).toEqual(['evaluateSignal']);
  });

  it('rejects an invalid what-if with 400 listing every problem, and evaluates nothing', async () => {
    const res = await app.request('/api/signals/evaluate', { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ symbol: '1BAD', catalystTier: 9 }) });
    expect(res.status).toBe(400);
    const paths = ((await res.json()).error.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['symbol', 'side', 'catalystType', 'catalystTier']));
    expect(pipeline.calls).toEqual([]);
  });

  it('gives a signal without an id a null id so the pipeline generates one', async () => {
    const res = await postSignal({ ...VALID, aiConfidence: null, catalystTier: 1 });
    expect(res.status).toBe(202);
    expect((await res.json()).signalId).toBe('sig-generated');
    expect((pipeline.callsOf('ingestSignal')[0]!.args[0] as SignalInput).id).toBeNull();
  });

  it('rejects an invalid signal with 400 listing every problem at once, and sends nothing', async () => {
    const res = await postSignal({
      id: 'has space', symbol: '1BAD', side: 'sell', catalystType: '', catalystTier: 5, aiConfidence: 'very',
      stars: 2.5, confidence: 101, priceAtSignal: '-1', stopLossPrice: 'abc', extra: true,
    });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    const paths = (error.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining([
      'id', 'symbol', 'side', 'catalystType', 'catalystTier', 'aiConfidence', 'stars', 'confidence', 'priceAtSignal', 'stopLossPrice', 'extra',
    ]));
    expect(pipeline.calls).toEqual([]);
  });

  it('refuses prices and market facts outside their ranges (1e-320, 1e20, "1e309", 10 decimals), listing each', async () => {
    const res = await postSignal({
      ...VALID, priceAtSignal: 1e-320, stopLossPrice: 1e20, takeProfitPrice: '1e309', floatShares: 1e20, relativeVolume: 1e-320,
    });
    expect(res.status).toBe(400);
    const { issues } = (await res.json()).error;
    expect([...new Set(issues.map((i: { path: string }) => i.path))].sort()).toEqual(['floatShares', 'priceAtSignal', 'relativeVolume', 'stopLossPrice', 'takeProfitPrice']);
    expect((await postSignal({ ...VALID, priceAtSignal: '0.0000000001' })).status).toBe(400);
    expect(pipeline.calls).toEqual([]);
    expect((await postSignal({ ...VALID, priceAtSignal: '999999.123456789', floatShares: 2_500_000, relativeVolume: 0 })).status).toBe(202);
  });

  it('requires symbol, side, catalystType and catalystTier', async () => {
    const res = await postSignal({});
    expect(res.status).toBe(400);
    const paths = ((await res.json()).error.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths.sort()).toEqual(['catalystTier', 'catalystType', 'side', 'symbol']);
  });

  it('takes an absent aiConfidence as null (the star rule then decides)', async () => {
    const { aiConfidence: _omit, ...withoutConfidence } = VALID;
    const res = await postSignal({ ...withoutConfidence, id: 'no-confidence' });
    expect(res.status).toBe(202);
    expect(pipeline.callsOf('ingestSignal').at(-1)?.args[0]).toMatchObject({ id: 'no-confidence', aiConfidence: null });
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await postSignal('{"symbol":');
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('VALIDATION_FAILED');
  });

  it('passes status, symbol, limit and cursor through to listSignals and returns the page', async () => {
    pipeline.signalPage = { items: [pendingRecord('s1')], nextCursor: 'abc_-' };
    const res = await app.request('/api/signals?status=pending&symbol=abcd&limit=25&cursor=abc_-', { headers: AUTH });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.nextCursor).toBe('abc_-');
    expect(body.items[0]).toMatchObject({ id: 's1', status: 'pending', size: { notional: '75' }, input: { priceAtSignal: '0.0000001' } });
    expect(pipeline.callsOf('listSignals')[0]!.args[0]).toEqual({ status: 'pending', symbol: 'ABCD', limit: 25, cursor: 'abc_-' });
  });

  it('passes an empty query as no filters', async () => {
    await app.request('/api/signals', { headers: AUTH });
    expect(pipeline.callsOf('listSignals')[0]!.args[0]).toEqual({});
  });

  it('rejects bad list parameters with 400 naming each', async () => {
    const res = await app.request('/api/signals?status=bogus&limit=501&sort=asc', { headers: AUTH });
    expect(res.status).toBe(400);
    const paths = ((await res.json()).error.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['status', 'limit', 'sort']));
    expect(pipeline.calls).toEqual([]);
  });

  it('answers 400 for a cursor the store does not recognise', async () => {
    pipeline.listError = Object.assign(new Error('invalid cursor'), { name: 'InvalidCursorError' });
    const res = await app.request('/api/signals?cursor=Zm9v', { headers: AUTH });
    expect(res.status).toBe(400);
    expect((await res.json()).error.issues).toEqual([{ path: 'cursor', message: 'is not a cursor from this API' }]);
  });

  it('returns one signal, or 404 for an unknown or impossible id', async () => {
    pipeline.signals.set('s1', pendingRecord('s1'));
    const ok = await app.request('/api/signals/s1', { headers: AUTH });
    expect(ok.status).toBe(200);
    expect((await ok.json()).expiresAt).toBe(301_000);
    expect((await app.request('/api/signals/nope', { headers: AUTH })).status).toBe(404);
    expect((await app.request(`/api/signals/${'x'.repeat(65)}`, { headers: AUTH })).status).toBe(404);
  });

  it('approves a pending signal with 200 and the answer, without a body', async () => {
    pipeline.signals.set('s1', pendingRecord('s1'));
    const res = await app.request('/api/signals/s1/approve', { method: 'POST', headers: AUTH });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ signalId: 's1', outcome: 'approved' });
    expect(pipeline.callsOf('approveSignal')[0]!.args[1]).toContain('/api/signals/s1/approve');
  });

  it('rejects a pending signal passing the note through', async () => {
    pipeline.signals.set('s1', pendingRecord('s1'));
    const res = await app.request('/api/signals/s1/reject', { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ note: 'too late' }) });
    expect(res.status).toBe(200);
    expect((await res.json()).outcome).toBe('rejected');
    expect(pipeline.callsOf('rejectSignal')[0]!.args.slice(0, 2)).toEqual(['s1', 'too late']);
  });

  it('maps refusals to their status: 404 unknown signal, 409 already decided', async () => {
    const unknown = await app.request('/api/signals/ghost/approve', { method: 'POST', headers: AUTH });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('NOT_FOUND');
    pipeline.signals.set('s1', { ...pendingRecord('s1'), status: 'expired' });
    const decided = await app.request('/api/signals/s1/reject', { method: 'POST', headers: AUTH });
    expect(decided.status).toBe(409);
    expect((await decided.json()).error).toMatchObject({ code: 'SIGNAL_NOT_PENDING', status: 'expired' });
  });

  it('invalidates a signal with its reason, answering what Keel did; a refusal keeps its status', async () => {
    const res = await app.request('/api/signals/s1/invalidate', { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ reason: 'news retracted' }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ signalId: 's1', action: 'exiting', tradeId: 't-1', reason: 'news retracted' });
    expect(pipeline.callsOf('invalidateSignal')[0]!.args.slice(0, 2)).toEqual(['s1', 'news retracted']);
    pipeline.invalidation = { ok: false, error: { code: 'SIGNAL_NOT_LIVE', message: "signal s1's trade is closed", httpStatus: 409 } };
    const refused = await app.request('/api/signals/s1/invalidate', { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ reason: 'again' }) });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.code).toBe('SIGNAL_NOT_LIVE');
  });

  it('refuses an invalidation without a printable reason, or with unknown keys, listing each and doing nothing', async () => {
    const res = await app.request('/api/signals/s1/invalidate', { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ reason: 'a\u0000b', force: true }) });
    expect(res.status).toBe(400);
    const paths = ((await res.json()).error.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['reason', 'force']));
    const empty = await app.request('/api/signals/s1/invalidate', { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({}) });
    expect(empty.status).toBe(400);
    expect(pipeline.callsOf('invalidateSignal')).toEqual([]);
  });

  it('rejects unknown keys in an approval or rejection body', async () => {
    pipeline.signals.set('s1', pendingRecord('s1'));
    const res = await app.request('/api/signals/s1/reject', { method: 'POST', headers: JSON_AUTH, body: JSON.stringify({ note: 1, why: 'x' }) });
    expect(res.status).toBe(400);
    const paths = ((await res.json()).error.issues as Array<{ path: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['note', 'why']));
    expect(pipeline.callsOf('rejectSignal')).toEqual([]);
  });

  it('refuses what would trade with 409 ANOTHER_INSTANCE_ACTIVE on a read-only instance, and still answers the what-if', async () => {
    const readOnly = contract.check(createApp({ control: new FakeBotControl(), pipeline, apiToken: TOKEN, logError: () => {}, writes: () => false }));
    const post = (path: string, body: unknown) => readOnly.request(path, { method: 'POST', headers: JSON_AUTH, body: JSON.stringify(body) });
    for (const [path, body] of [['/api/signals', VALID], ['/api/signals/sig-1/approve', {}], ['/api/signals/sig-1/reject', {}], ['/api/bot/emergency-stop', { closePositions: true }]] as const) {
      const res = await post(path, body);
      expect(res.status, path).toBe(409);
      expect((await res.json()).error.code).toBe('ANOTHER_INSTANCE_ACTIVE');
    }
    expect(pipeline.calls).toEqual([]);
    expect((await post('/api/signals/evaluate', VALID)).status).toBe(200);
    expect((await readOnly.request('/api/signals', { headers: AUTH })).status).toBe(200);
  });
});
