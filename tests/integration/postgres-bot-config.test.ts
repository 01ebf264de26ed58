import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_BOT_SETTINGS, type BotSettings } from '../../src/domain/bot-config.js';
import { Decimal } from '../../src/domain/money.js';
import { loadBotConfig, saveBotMode, saveBotSettings, saveBotState } from '../../src/adapters/postgres/index.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const T0 = Date.UTC(2026, 10, 23, 14, 30);

/** Decimals compared by value and exact string, numbers and arrays by equality */
function plain(settings: Partial<BotSettings>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, v instanceof Decimal ? `D:${v.toFixed()}` : v]));
}

function settingsOf(config: BotSettings): Partial<BotSettings> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(DEFAULT_BOT_SETTINGS)) out[key] = config[key as keyof BotSettings];
  return out as Partial<BotSettings>;
}

describe('bot_config repository on real PostgreSQL', () => {
  let t: TestDb;
  beforeAll(async () => { t = await createTestDb(); });
  beforeEach(async () => { await t.truncate(); });
  afterAll(async () => { await t.close(); });

  it('creates the single row with the seeds defaults (the column defaults equal DEFAULT_BOT_SETTINGS)', async () => {
    const config = await loadBotConfig(t.db, T0);
    expect(plain(settingsOf(config))).toEqual(plain(DEFAULT_BOT_SETTINGS));
    expect(config.state).toBe('stopped');
    expect(config.mode).toBe('paper');
    expect(config.updatedAt).toBe(T0);
  });

  it('round-trips every setting, keeping money exact and untouched settings as they were', async () => {
    await loadBotConfig(t.db, T0);
    const patch: Partial<BotSettings> = {
      enabled: true, executionMode: 'full_auto', sizingMode: 'risk_based',
      positionSizeUsd: new Decimal('1234.5678'), maxPerTradeUsd: new Decimal('0.01'),
      dailyLossLimitUsd: new Decimal('99999999.99'), maxSharePrice: new Decimal('19.995'),
      tradeSizeStars3: new Decimal('0.00000001'),
      confidenceMultiplierHigh: 2.5, minWinRate: 0.55, trailingStopPct: 2.25, maxConcurrentPositions: null,
      maxRoundTripsPerDay: 3, enabledCatalystTiers: [1, 3], enabledStrategies: ['gap_and_go', 'vwap'],
      eodForceCloseTime: '15:50', maxFloatShares: 9_007_199_254_740, autoResumeNextDay: false,
    };
    const saved = await saveBotSettings(t.db, patch, T0 + 1000);
    const reloaded = await loadBotConfig(t.db, T0 + 2000);
    expect(plain(settingsOf(reloaded))).toEqual(plain({ ...DEFAULT_BOT_SETTINGS, ...patch }));
    expect(plain(settingsOf(saved))).toEqual(plain(settingsOf(reloaded)));
    expect(reloaded.tradeSizeStars3.toFixed()).toBe('0.00000001');
    expect(reloaded.updatedAt).toBe(T0 + 1000);
  });

  it('persists state and mode and stamps updatedAt from the given clock time', async () => {
    await saveBotState(t.db, 'halted', T0 + 5);
    await saveBotMode(t.db, 'live', T0 + 7);
    const config = await loadBotConfig(t.db, T0 + 9);
    expect(config.state).toBe('halted');
    expect(config.mode).toBe('live');
    expect(config.updatedAt).toBe(T0 + 7);
  });

  it('refuses values outside the domain enums and a malformed end-of-day time', async () => {
    await loadBotConfig(t.db, T0);
    await expect(saveBotState(t.db, 'exploded' as never, T0)).rejects.toThrow(/check constraint/);
    await expect(saveBotSettings(t.db, { eodForceCloseTime: '25:99' }, T0)).rejects.toThrow(/check constraint/);
    expect((await loadBotConfig(t.db, T0)).eodForceCloseTime).toBe('15:45');
  });

  it('keeps bot_config to a single row', async () => {
    await loadBotConfig(t.db, T0);
    await expect(sql`INSERT INTO bot_config (id, updated_at) VALUES (2, now())`.execute(t.db)).rejects.toThrow(/check constraint/);
  });
});
