import { beforeEach, describe, expect, it } from 'vitest';
import { BOT_ACTIONS, type BotAction } from '../../src/control/lifecycle/bot-control.types.js';
import type { BotState } from '../../src/domain/bot-config.js';
import { createApp } from '../../src/http/app.js';
import { useApiContract } from '../support/api-contract.js';
import { FakeBotControl } from '../support/fake-bot-control.js';
import { FakePipelineControl } from '../support/fake-pipeline-control.js';

const TOKEN = 'test-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };

describe('bot lifecycle and mode routes', () => {
  const contract = useApiContract();
  let control: FakeBotControl;
  let app: ReturnType<typeof createApp>;

  beforeEach(() => {
    control = new FakeBotControl();
    app = contract.check(createApp({ control, pipeline: new FakePipelineControl(), apiToken: TOKEN, logError: () => {} }));
  });

  const post = (path: string) => app.request(path, { method: 'POST', headers: AUTH });
  const putMode = (body: string) =>
    app.request('/api/bot/mode', { method: 'PUT', headers: { ...AUTH, 'content-type': 'application/json' }, body });

  const ALLOWED_FROM: Record<BotAction, BotState> = {
    start: 'stopped', pause: 'running', resume: 'paused', stop: 'running', 'acknowledge-halt': 'halted',
  };

  for (const action of BOT_ACTIONS) {
    it(`POST /api/bot/${action} calls act('${action}') once and answers the status snapshot`, async () => {
      control.state = ALLOWED_FROM[action];
      const res = await post(`/api/bot/${action}`);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.state).toBe(control.state);
      expect(body.todayRealizedPnl).toBe('-12.5');
      const acts = control.callsOf('act');
      expect(acts).toHaveLength(1);
      expect(acts[0]!.args[0]).toBe(action);
      expect(acts[0]!.args[1]).toContain(`/api/bot/${action}`);
    });
  }

  it('maps a refused transition to 409 naming the code, the current state and the allowed actions', async () => {
    control.state = 'running';
    const res = await post('/api/bot/start');
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: 'INVALID_TRANSITION', state: 'running', allowedActions: ['pause', 'stop'] });
    expect(typeof body.error.message).toBe('string');
    expect(control.state).toBe('running');
  });

  it('answers GET /api/bot/status with every field, money as a decimal string', async () => {
    const res = await app.request('/api/bot/status', { headers: AUTH });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      state: 'stopped', stateReason: { code: 'STARTUP', detail: null, since: Date.UTC(2026, 10, 23, 14, 30) }, starting: false, mode: 'paper', executionMode: 'signal_only', reconciled: true,
      openPositionCount: 0, todayRealizedPnl: '-12.5', todayTradeCount: 2, marketOpen: true, breaker: 'none',
      market: { open: true, nextOpen: 1_767_623_400_000, nextClose: 1_767_387_600_000 }, forceCloseAt: 1_767_386_700_000,
      allowedActions: ['start'], flattenQueuedAt: null,
    });
  });

  it('passes a valid mode change with its confirmation to the facade', async () => {
    const res = await putMode(JSON.stringify({ mode: 'live', confirm: 'live' }));
    expect(res.status).toBe(200);
    expect((await res.json()).mode).toBe('live');
    expect(control.callsOf('setMode')[0]!.args.slice(0, 2)).toEqual(['live', 'live']);
  });

  it('maps the open-positions guard to 409 OPEN_POSITIONS', async () => {
    control.openPositionCount = 2;
    const res = await putMode(JSON.stringify({ mode: 'paper' }));
    expect(res.status).toBe(409);
    expect((await res.json()).error).toMatchObject({ code: 'OPEN_POSITIONS', openPositionCount: 2 });
  });

  it('maps a live switch without confirmation to 409 CONFIRMATION_REQUIRED', async () => {
    const res = await putMode(JSON.stringify({ mode: 'live' }));
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('CONFIRMATION_REQUIRED');
  });

  const BAD_MODE_BODIES: Array<[string, string, string[]]> = [
    ['an unknown mode', JSON.stringify({ mode: 'demo' }), ['mode']],
    ['a missing mode', JSON.stringify({}), ['mode']],
    ['a wrong confirmation word', JSON.stringify({ mode: 'live', confirm: 'yes' }), ['confirm']],
    ['an unknown field', JSON.stringify({ mode: 'paper', force: true }), ['force']],
    ['a non-object body', JSON.stringify(['live']), ['']],
    ['malformed JSON', '{"mode": "live"', ['']],
    ['an empty body', '', ['']],
  ];

  for (const [label, body, paths] of BAD_MODE_BODIES) {
    it(`rejects a mode change with ${label} with 400 VALIDATION_FAILED and calls nothing`, async () => {
      const res = await putMode(body);
      expect(res.status).toBe(400);
      const json = await res.json();
      expect(json.error.code).toBe('VALIDATION_FAILED');
      expect(json.error.issues.map((i: { path: string }) => i.path)).toEqual(paths);
      expect(control.callsOf('setMode')).toEqual([]);
    });
  }
});
