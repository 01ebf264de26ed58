import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/money.js';
import {
  addToDailyStats, getDailyStats, setDailyBreakerLevel, setDailySessionStart,
} from '../../src/adapters/postgres/index.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const T0 = Date.UTC(2026, 10, 23, 14, 30);
const DAY = '2026-11-23';

describe('bot_daily_stats repository on real PostgreSQL', () => {
  let t: TestDb;
  beforeAll(async () => { t = await createTestDb(); });
  beforeEach(async () => { await t.truncate(); });
  afterAll(async () => { await t.close(); });

  it('returns null for a day with no row, then creates it on the first increment', async () => {
    expect(await getDailyStats(t.db, DAY)).toBeNull();
    const stats = await addToDailyStats(t.db, DAY, { realizedPnl: new Decimal('-12.345'), tradeCount: 1 }, T0);
    expect(stats.date).toBe(DAY);
    expect(stats.realizedPnl.toFixed()).toBe('-12.345');
    expect(stats).toMatchObject({ tradeCount: 1, roundTripCount: 0, sessionStartEquity: null, breakerLevel: 'none', updatedAt: T0 });
  });

  it('adds 20 concurrent increments without losing one', async () => {
    // pool of 5 connections: the upserts genuinely interleave on the server
    await Promise.all(Array.from({ length: 20 }, (_, i) =>
      addToDailyStats(t.db, DAY, { realizedPnl: new Decimal('0.01').plus(i), tradeCount: 1, roundTripCount: i % 2 }, T0 + i)));
    const stats = await getDailyStats(t.db, DAY);
    // Σ (i + 0.01) for i = 0..19 = 190 + 0.20
    expect(stats?.realizedPnl.toFixed()).toBe('190.2');
    expect(stats?.tradeCount).toBe(20);
    expect(stats?.roundTripCount).toBe(10);
  });

  it('sets the session-start equity and breaker level without touching the counters', async () => {
    await addToDailyStats(t.db, DAY, { realizedPnl: new Decimal('5'), tradeCount: 2 }, T0);
    await setDailySessionStart(t.db, DAY, new Decimal('100000.123456'), T0 + 1);
    const stats = await setDailyBreakerLevel(t.db, DAY, 'pause', T0 + 2);
    expect(stats.sessionStartEquity?.toFixed()).toBe('100000.123456');
    expect(stats.breakerLevel).toBe('pause');
    expect(stats.realizedPnl.toFixed()).toBe('5');
    expect(stats.tradeCount).toBe(2);
    expect(stats.updatedAt).toBe(T0 + 2);
    // a breaker set before any trade creates the row
    expect((await setDailyBreakerLevel(t.db, '2026-11-24', 'warn', T0)).tradeCount).toBe(0);
  });

  it('rejects a date that is not YYYY-MM-DD', async () => {
    await expect(addToDailyStats(t.db, '11/23/2026', { tradeCount: 1 }, T0)).rejects.toThrow(/YYYY-MM-DD/);
  });
});
