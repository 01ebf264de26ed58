import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { useApiContract } from '../support/api-contract.js';
import { FakeBotControl } from '../support/fake-bot-control.js';
import { FakePipelineControl } from '../support/fake-pipeline-control.js';

const TOKEN = 'test-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const QUEUED_AT = Date.parse('2026-11-24T13:00:00Z');

describe('the queued flatten over HTTP', () => {
  const contract = useApiContract();
  let control: FakeBotControl;
  let app: ReturnType<typeof createApp>;

  beforeEach(() => {
    control = new FakeBotControl();
    app = contract.check(createApp({ control, pipeline: new FakePipelineControl(), apiToken: TOKEN, logError: () => {} }));
  });

  const cancel = (init: RequestInit = {}) => app.request('/api/bot/flatten-queue', { method: 'DELETE', ...init, headers: { ...AUTH, ...(init.headers as Record<string, string> | undefined) } });

  it('DELETE /api/bot/flatten-queue without a body cancels with the route as the cause and no reason', async () => {
    control.flattenQueuedAt = QUEUED_AT;
    const res = await cancel();
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ queuedAt: QUEUED_AT, reason: null, status: { flattenQueuedAt: null } });
    const calls = control.callsOf('cancelQueuedFlatten');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args).toEqual(['api: DELETE /api/bot/flatten-queue', null]);
  });

  it('passes the body\'s reason, trimmed, to the facade', async () => {
    control.flattenQueuedAt = QUEUED_AT;
    const res = await cancel({ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason: '  hedged by hand ' }) });
    expect(res.status).toBe(200);
    expect(control.callsOf('cancelQueuedFlatten')[0]!.args[1]).toBe('hedged by hand');
  });

  it('answers 404 NOT_FOUND when nothing is queued', async () => {
    const res = await cancel();
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatchObject({ code: 'NOT_FOUND', flattenQueuedAt: null });
  });

  it.each([
    ['an unknown field', JSON.stringify({ reason: 'x', force: true })],
    ['an empty reason', JSON.stringify({ reason: '  ' })],
    ['a reason that is not text', JSON.stringify({ reason: 5 })],
    ['malformed JSON', '{"reason":'],
  ])('refuses %s with 400 and never reaches the facade', async (_what, body) => {
    control.flattenQueuedAt = QUEUED_AT;
    const res = await cancel({ headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('VALIDATION_FAILED');
    expect(control.callsOf('cancelQueuedFlatten')).toEqual([]);
    expect(control.flattenQueuedAt).toBe(QUEUED_AT);
  });

  it('needs the bearer token', async () => {
    control.flattenQueuedAt = QUEUED_AT;
    const res = await app.request('/api/bot/flatten-queue', { method: 'DELETE' });
    expect(res.status).toBe(401);
    expect(control.calls).toEqual([]);
  });

  it('maps a start refused for a queued flatten to 409 FLATTEN_QUEUED with when it was queued', async () => {
    control.flattenQueuedAt = QUEUED_AT;
    const res = await app.request('/api/bot/start', { method: 'POST', headers: AUTH });
    expect(res.status).toBe(409);
    expect((await res.json()).error).toMatchObject({ code: 'FLATTEN_QUEUED', state: 'stopped', flattenQueuedAt: QUEUED_AT });
    expect(control.state).toBe('stopped');
  });

  it('shows the queued flatten in GET /api/bot/status', async () => {
    control.flattenQueuedAt = QUEUED_AT;
    const res = await app.request('/api/bot/status', { headers: AUTH });
    expect((await res.json()).flattenQueuedAt).toBe(QUEUED_AT);
  });
});
