import { beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/money.js';
import { createApp } from '../../src/http/app.js';
import { useApiContract } from '../support/api-contract.js';
import { FakeBotControl } from '../support/fake-bot-control.js';
import { FakePipelineControl } from '../support/fake-pipeline-control.js';

const TOKEN = 'test-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };

interface Issue { path: string; message: string }

describe('bot config routes', () => {
  const contract = useApiContract();
  let control: FakeBotControl;
  let app: ReturnType<typeof createApp>;

  beforeEach(() => {
    control = new FakeBotControl();
    app = contract.check(createApp({ control, pipeline: new FakePipelineControl(), apiToken: TOKEN, logError: () => {} }));
  });

  const patch = (body: unknown) =>
    app.request('/api/bot/config', {
      method: 'PATCH',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  async function expectRejected(body: unknown): Promise<Issue[]> {
    const res = await patch(body);
    expect(res.status).toBe(400);
    const json = await res.json();
    expect(json.error.code).toBe('VALIDATION_FAILED');
    expect(typeof json.error.message).toBe('string');
    expect(control.callsOf('patchConfig')).toEqual([]);
    return json.error.issues as Issue[];
  }

  it('answers GET /api/bot/config with the whole config, camelCase, money as decimal strings', async () => {
    const res = await app.request('/api/bot/config', { headers: AUTH });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      state: 'stopped', mode: 'paper', positionSizeUsd: '500', tradeSizeStars3: '50', tradeSizeStars4: '75',
      tradeSizeStars5: '100', maxSharePrice: '20', dailyLossLimitUsd: '500', eodForceCloseTime: '15:45',
      enabledCatalystTiers: [1, 2, 3, 4], trailingStopPct: null, maxConcurrentPositions: 3,
    });
  });

  it('applies a valid partial patch and answers the whole config', async () => {
    const res = await patch({ maxTradesPerDay: 4, trailingStopPct: 2.5, enabledCatalystTiers: [1, 2], eodForceCloseTime: '15:30' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ maxTradesPerDay: 4, trailingStopPct: 2.5, enabledCatalystTiers: [1, 2], eodForceCloseTime: '15:30', positionSizeUsd: '500' });
    const [sent, cause] = control.callsOf('patchConfig')[0]!.args as [Record<string, unknown>, string];
    expect(sent).toEqual({ maxTradesPerDay: 4, trailingStopPct: 2.5, enabledCatalystTiers: [1, 2], eodForceCloseTime: '15:30' });
    expect(cause).toContain('PATCH /api/bot/config');
  });

  it('accepts money as a JSON number and as a decimal string, passing Decimals to the facade', async () => {
    const res = await patch({ positionSizeUsd: 250.5, maxPerTradeUsd: '300.25', dailyLossLimitUsd: '0' });
    expect(res.status).toBe(200);
    const sent = control.callsOf('patchConfig')[0]!.args[0] as Record<string, Decimal>;
    expect(Decimal.isDecimal(sent.positionSizeUsd)).toBe(true);
    expect(sent.positionSizeUsd!.toFixed()).toBe('250.5');
    expect(sent.maxPerTradeUsd!.toFixed()).toBe('300.25');
    expect(await res.json()).toMatchObject({ positionSizeUsd: '250.5', maxPerTradeUsd: '300.25', dailyLossLimitUsd: '0' });
  });

  it('lists every problem of a patch at once and changes nothing', async () => {
    const issues = await expectRejected({
      maxTradesPerDay: -1,
      hardStopLossPct: 150,
      positionSizeUsd: 'lots',
      eodForceCloseTime: '17:00',
      enabledCatalystTiers: [1, 5],
      executionMode: 'yolo',
      maxConcurrentPositions: 2.5,
    });
    expect(issues.map((i) => i.path).sort()).toEqual([
      'enabledCatalystTiers.1', 'eodForceCloseTime', 'executionMode', 'hardStopLossPct',
      'maxConcurrentPositions', 'maxTradesPerDay', 'positionSizeUsd',
    ]);
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(0);
    expect(control.config.maxTradesPerDay).toBe(10);
  });

  it('rejects unknown keys, one issue per key, alongside other problems', async () => {
    const issues = await expectRejected({ maxTradesPerDay: 5, maxTradesPerDya: 5, state: 'running', minConfidence: 101 });
    expect(issues.map((i) => i.path).sort()).toEqual(['maxTradesPerDya', 'minConfidence', 'state']);
  });

  const BAD_VALUES: Array<[string, Record<string, unknown>]> = [
    ['a negative money amount', { maxPerTradeUsd: -5 }],
    ['a zero position size', { positionSizeUsd: '0' }],
    ['money given as a non-numeric string', { maxSharePrice: '12abc' }],
    ['an eod time before the open', { eodForceCloseTime: '09:00' }],
    ['an eod time that is not HH:MM', { eodForceCloseTime: '3:45pm' }],
    ['a repeated catalyst tier', { enabledCatalystTiers: [2, 2] }],
    ['a win rate above 1', { minWinRate: 1.5 }],
    ['a fractional trade count', { maxTradesPerDay: 1.5 }],
    ['a string boolean', { enabled: 'true' }],
    ['an unknown sizing mode', { sizingMode: 'martingale' }],
    ['a halt level below the pause level', { circuitBreakerPausePct: 6, circuitBreakerHaltPct: 4 }],
    ['a denormal percentage', { hardStopLossPct: 1e-320 }],
    ['a denormal money amount', { maxPerTradeUsd: 1e-320 }],
    ['a money string that overflows to Infinity', { dailyLossLimitUsd: '1e309' }],
    ['a money amount above 10,000,000', { dailyLossLimitUsd: 1e20 }],
    ['a money amount below a cent', { positionSizeUsd: '0.001' }],
    ['money with more than 2 decimals', { maxSharePrice: 12.345 }],
    ['a NaN string for money', { tradeSizeStars3: 'NaN' }],
    ['a percentage with more than 4 decimals', { profitTargetPct: 10.00001 }],
    ['a zero percentage', { riskPctPerTrade: 0 }],
    ['a zero position cap (null is "no cap")', { maxConcurrentPositions: 0 }],
    ['zero trades per day', { maxTradesPerDay: 0 }],
    ['a max hold above 7 days', { maxHoldDurationSec: 7 * 86_400 + 1 }],
    ['an approval TTL above a day', { approvalTtlMinutes: 1441 }],
    ['a float pillar of 0', { maxFloatShares: 0 }],
    ['a multiplier above 10', { confidenceMultiplierHigh: 10.5 }],
    ['a repeated strategy', { enabledStrategies: ['gap', 'gap'] }],
    ['a strategy with a line break', { enabledStrategies: ['gap\nup'] }],
    ['exit overrides that are not an object', { exitOverrides: [] }],
    ['an empty catalyst override', { exitOverrides: { earnings: {} } }],
    ['a catalyst override with an unknown key', { exitOverrides: { earnings: { stopPct: 3 } } }],
  ];
  for (const [label, body] of BAD_VALUES) {
    it(`rejects ${label} with 400 and calls nothing`, async () => {
      const issues = await expectRejected(body);
      expect(issues.length).toBeGreaterThan(0);
    });
  }

  it('accepts the edges of each range: a cent, 10,000,000, 0.0001 %, 100 %, a 0 loss limit, 7 days', async () => {
    const res = await patch({
      positionSizeUsd: '0.01', maxPerTradeUsd: 10_000_000, dailyLossLimitUsd: 0, hardStopLossPct: 0.0001, profitTargetPct: 100,
      maxHoldDurationSec: 7 * 86_400, approvalTtlMinutes: 1440, confidenceMultiplierLow: 0, minConfidence: 0, minRelativeVolume: 0,
      maxTradesPerDay: 1, enabledCatalystTiers: [], enabledStrategies: [],
    });
    expect(res.status).toBe(200);
    expect(control.callsOf('patchConfig')).toHaveLength(1);
  });

  it('checks every catalyst override and names each problem with its path', async () => {
    const issues = await expectRejected({ exitOverrides: { earnings: { hardStopLossPct: 0, maxHoldSec: 1.5 }, fda: { trailingStopPct: 101 }, ok: { trailingStopPct: null } } });
    expect(issues.map((i: { path: string }) => i.path).sort()).toEqual(['exitOverrides.earnings.hardStopLossPct', 'exitOverrides.earnings.maxHoldSec', 'exitOverrides.fda.trailingStopPct']);
    const res = await patch({ exitOverrides: { earnings: { hardStopLossPct: 4, trailingStopPct: null }, fda_approval: { maxHoldSec: 900 } } });
    expect(res.status).toBe(200);
  });

  it('names the range in the message', async () => {
    const issues = await expectRejected({ hardStopLossPct: 1e-320, maxPerTradeUsd: '1e309' });
    expect(issues).toEqual([
      { path: 'maxPerTradeUsd', message: 'must be 0.01 to 10000000 with at most 2 decimals' },
      { path: 'hardStopLossPct', message: 'must be greater than 0 and at most 100 with at most 4 decimals' },
    ]);
  });

  it('accepts null for the optional caps and the trailing stop', async () => {
    const res = await patch({ maxConcurrentPositions: null, maxRoundTripsPerDay: null, trailingStopPct: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ maxConcurrentPositions: null, maxRoundTripsPerDay: null, trailingStopPct: null });
  });

  it('rejects malformed JSON with 400 VALIDATION_FAILED', async () => {
    const issues = await expectRejected('{"maxTradesPerDay": 3,');
    expect(issues).toEqual([{ path: '', message: 'body is not valid JSON' }]);
  });

  it('rejects a body that is not an object', async () => {
    const issues = await expectRejected([{ maxTradesPerDay: 3 }]);
    expect(issues).toHaveLength(1);
  });

  it('accepts the win-rate guard off (minWinRate null) and a lookback inside 5–500', async () => {
    const res = await patch({ minWinRate: null, minWinRateLookback: 5 });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ minWinRate: null, minWinRateLookback: 5 });
  });

  it('rejects a win-rate lookback outside 5–500 or fractional', async () => {
    for (const lookback of [4, 501, 20.5]) expect((await expectRejected({ minWinRateLookback: lookback })).map((i) => i.path)).toEqual(['minWinRateLookback']);
  });
});

describe('PUT /api/bot/config (the whole configuration)', () => {
  let control: FakeBotControl;
  let app: ReturnType<typeof createApp>;

  beforeEach(() => {
    control = new FakeBotControl();
    app = createApp({ control, pipeline: new FakePipelineControl(), apiToken: TOKEN, logError: () => {} });
  });

  const put = (body: unknown) =>
    app.request('/api/bot/config', { method: 'PUT', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  /** every setting as GET answers it (state, mode and updatedAt are not settings) */
  async function wholeSettings(): Promise<Record<string, unknown>> {
    const { state: _s, mode: _m, updatedAt: _u, ...settings } = await (await app.request('/api/bot/config', { headers: AUTH })).json() as Record<string, unknown>;
    return settings;
  }

  it('replaces the whole configuration and answers it', async () => {
    const body = { ...(await wholeSettings()), maxTradesPerDay: 4, minWinRate: 0.6, minWinRateLookback: 30, trailingStopPct: null };
    const res = await put(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ maxTradesPerDay: 4, minWinRate: 0.6, minWinRateLookback: 30, positionSizeUsd: '500' });
    const [sent, cause] = control.callsOf('patchConfig')[0]!.args as [Record<string, unknown>, string];
    expect(Object.keys(sent).sort()).toEqual(Object.keys(body).sort());
    expect(cause).toContain('PUT /api/bot/config');
  });

  it('lists every missing and every invalid field at once (null is not "missing") and changes nothing', async () => {
    const { maxTradesPerDay: _a, trailingStopPct: _b, minWinRateLookback: _c, ...rest } = await wholeSettings();
    const res = await put({ ...rest, hardStopLossPct: 150, minWinRate: null });
    expect(res.status).toBe(400);
    const json = await res.json();
    expect(json.error.code).toBe('VALIDATION_FAILED');
    expect((json.error.issues as Issue[]).map((i) => i.path).sort()).toEqual(['hardStopLossPct', 'maxTradesPerDay', 'minWinRateLookback', 'trailingStopPct']);
    expect(control.callsOf('patchConfig')).toEqual([]);
  });

  it('refuses a partial body that PATCH would take', async () => {
    const res = await put({ maxTradesPerDay: 4 });
    expect(res.status).toBe(400);
    expect(((await res.json()).error.issues as Issue[]).length).toBeGreaterThan(30);
    expect(control.callsOf('patchConfig')).toEqual([]);
  });

  it('rejects unknown keys in a whole body', async () => {
    const res = await put({ ...(await wholeSettings()), state: 'running' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.issues).toEqual([{ path: 'state', message: 'unknown field' }]);
  });
});
