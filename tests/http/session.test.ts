import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { FakeBotControl } from '../support/fake-bot-control.js';
import { FakePipelineControl } from '../support/fake-pipeline-control.js';
import { useApiContract } from '../support/api-contract.js';

const TOKEN = 'session-test-token-0123456789abcdef';
const ORIGIN = 'http://keel.test';

describe('dashboard sessions', () => {
  const contract = useApiContract();
  let control: FakeBotControl;
  let clock: ManualClock;
  let app: ReturnType<typeof createApp>;

  beforeEach(() => {
    control = new FakeBotControl();
    clock = new ManualClock();
    app = contract.check(createApp({ control, pipeline: new FakePipelineControl(), apiToken: TOKEN, clock, logError: () => {} }));
  });

  const request = (path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, init);
  const signIn = async (token = TOKEN) =>
    request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  const cookieOf = (res: Response) => /keel_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? null;
  const signedIn = async () => {
    const id = cookieOf(await signIn());
    if (!id) throw new Error('no session cookie');
    return `keel_session=${id}`;
  };

  it('exchanges the right token for an HttpOnly, SameSite=Strict, Path=/ cookie that does not carry the token', async () => {
    const res = await signIn();
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^keel_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).toMatch(/Max-Age=\d+/);
    expect(setCookie).not.toContain(TOKEN);
    expect(await res.text()).not.toContain(TOKEN);
  });

  it('refuses a wrong token with 401 in the one error shape, sets no cookie and echoes nothing', async () => {
    const wrong = `${TOKEN}-but-not-quite`;
    const res = await signIn(wrong);
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe('UNAUTHORIZED');
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(TOKEN);
  });

  it('answers a body without a token with 400 listing the field', async () => {
    const res = await request('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"tokn":"x"}' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['token', 'tokn']);
  });

  it('lets a session cookie read the API', async () => {
    const res = await request('/api/bot/status', { headers: { cookie: await signedIn() } });
    expect(res.status).toBe(200);
    expect((await res.json()).state).toBe('stopped');
  });

  it('refuses an unknown session id with 401', async () => {
    const res = await request('/api/bot/status', { headers: { cookie: 'keel_session=forged-id' } });
    expect(res.status).toBe(401);
  });

  it('refuses a cookie request that changes something without X-Keel-Request (403) and calls nothing', async () => {
    const res = await request('/api/bot/start', { method: 'POST', headers: { cookie: await signedIn(), origin: ORIGIN } });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('CROSS_SITE_REQUEST');
    expect(control.calls).toEqual([]);
  });

  it('refuses a cross-site form POST that carries the cookie and calls nothing', async () => {
    const res = await request('/api/bot/stop', {
      method: 'POST',
      headers: { cookie: await signedIn(), origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'confirm=1',
    });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('CROSS_SITE_REQUEST');
    expect(control.calls).toEqual([]);
  });

  it('refuses another Origin even with the header', async () => {
    const res = await request('/api/bot/start', { method: 'POST', headers: { cookie: await signedIn(), origin: 'https://evil.example', 'x-keel-request': '1' } });
    expect(res.status).toBe(403);
    expect(control.calls).toEqual([]);
  });

  it('lets a same-origin cookie request with X-Keel-Request change the bot', async () => {
    const res = await request('/api/bot/start', { method: 'POST', headers: { cookie: await signedIn(), origin: ORIGIN, 'x-keel-request': '1' } });
    expect(res.status).toBe(200);
    expect((await res.json()).state).toBe('running');
  });

  it('keeps the bearer header working for scripts, with no extra header', async () => {
    const res = await request('/api/bot/start', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
  });

  it('signs out: the cookie is cleared and the session no longer works', async () => {
    const cookie = await signedIn();
    const res = await request('/api/session', { method: 'DELETE', headers: { cookie, 'x-keel-request': '1' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/keel_session=;.*Max-Age=0/);
    expect((await request('/api/bot/status', { headers: { cookie } })).status).toBe(401);
  });

  it('expires a session after 12 hours of the clock', async () => {
    const cookie = await signedIn();
    clock.advance(12 * 60 * 60 * 1000 - 1);
    expect((await request('/api/bot/status', { headers: { cookie } })).status).toBe(200);
    clock.advance(1);
    expect((await request('/api/bot/status', { headers: { cookie } })).status).toBe(401);
  });

  it('says who is signed in (GET /api/session) and 401 to nobody', async () => {
    expect((await request('/api/session')).status).toBe(401);
    const res = await request('/api/session', { headers: { cookie: await signedIn() } });
    expect(await res.json()).toEqual({ signedIn: true, via: 'session' });
  });

  it("counts a session's 12 hours on the session clock when one is given (the demo: market time runs 60× the wall's)", async () => {
    const wall = new ManualClock();
    const fast = contract.check(createApp({ control, pipeline: new FakePipelineControl(), apiToken: TOKEN, clock, sessionClock: wall, logError: () => {} }));
    const res = await fast.request(`${ORIGIN}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TOKEN }) });
    const cookie = `keel_session=${cookieOf(res)}`;
    clock.advance(13 * 60 * 60 * 1000); // thirteen hours of market time
    expect((await fast.request(`${ORIGIN}/api/bot/status`, { headers: { cookie } })).status).toBe(200);
    wall.advance(12 * 60 * 60 * 1000);
    expect((await fast.request(`${ORIGIN}/api/bot/status`, { headers: { cookie } })).status).toBe(401);
  });
});
