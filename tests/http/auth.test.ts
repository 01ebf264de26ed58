import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { useApiContract } from '../support/api-contract.js';
import { FakeBotControl } from '../support/fake-bot-control.js';
import { FakePipelineControl } from '../support/fake-pipeline-control.js';

const TOKEN = 'test-token-0123456789abcdef';

/** every /api/* route the control API serves, with a body that would otherwise be valid */
const API_ROUTES: Array<{ method: string; path: string; body?: unknown }> = [
  { method: 'POST', path: '/api/bot/start' },
  { method: 'POST', path: '/api/bot/pause' },
  { method: 'POST', path: '/api/bot/resume' },
  { method: 'POST', path: '/api/bot/stop' },
  { method: 'POST', path: '/api/bot/acknowledge-halt' },
  { method: 'GET', path: '/api/bot/status' },
  { method: 'PUT', path: '/api/bot/mode', body: { mode: 'paper' } },
  { method: 'GET', path: '/api/bot/config' },
  { method: 'PATCH', path: '/api/bot/config', body: { maxTradesPerDay: 5 } },
  { method: 'GET', path: '/api/reconciliation' },
];

const BAD_AUTH: Array<[string, Record<string, string>]> = [
  ['no Authorization header', {}],
  ['a wrong token', { authorization: 'Bearer not-the-right-token-at-all' }],
  ['a prefix of the token', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
  ['the token under another scheme', { authorization: `Basic ${TOKEN}` }],
  ['an empty bearer', { authorization: 'Bearer ' }],
];

describe('control API authentication', () => {
  const contract = useApiContract();
  let control: FakeBotControl;
  let app: ReturnType<typeof createApp>;

  beforeEach(() => {
    control = new FakeBotControl();
    app = contract.check(createApp({ control, pipeline: new FakePipelineControl(), apiToken: TOKEN, logError: () => {} }));
  });

  const send = (route: (typeof API_ROUTES)[number], headers: Record<string, string>) =>
    app.request(route.path, {
      method: route.method,
      headers: { 'content-type': 'application/json', ...headers },
      body: route.body === undefined ? undefined : JSON.stringify(route.body),
    });

  for (const route of API_ROUTES) {
    for (const [label, headers] of BAD_AUTH) {
      it(`answers 401 to ${route.method} ${route.path} with ${label} and calls nothing`, async () => {
        const res = await send(route, headers);
        expect(res.status).toBe(401);
        const body = await res.json();
        expect(body.error.code).toBe('UNAUTHORIZED');
        expect(typeof body.error.message).toBe('string');
        expect(JSON.stringify(body)).not.toContain(TOKEN);
        expect(control.calls).toEqual([]);
      });
    }

    it(`lets ${route.method} ${route.path} through with the right token`, async () => {
      const res = await send(route, { authorization: `Bearer ${TOKEN}` });
      expect(res.status).not.toBe(401);
      expect(control.calls.length).toBeGreaterThan(0);
    });
  }

  it('answers 401 (not 404) to an unknown /api route without a token, so routes cannot be probed', async () => {
    const res = await app.request('/api/secret-admin');
    expect(res.status).toBe(401);
  });

  it('accepts the scheme name case-insensitively', async () => {
    const res = await app.request('/api/bot/status', { headers: { authorization: `bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
  });

  it('serves /healthz without a token', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
  });
});
