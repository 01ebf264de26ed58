import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/money.js';
import {
  addToDailyStats, getDailyStats, setDailySessionStart,
} from '../../src/adapters/postgres/index.js';
import {
  anchorSessionStart, ensureDailyStats, markDailyLossTripped, recordEquity,
} from '../../src/adapters/postgres/daily-stats.repo.js';
import type { BreakerLevel } from '../../src/domain/bot-config.js';
import { sql } from 'kysely';
import { eventually } from '../support/eventually.js';
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
    expect(stats).toMatchObject({
      tradeCount: 1, roundTripCount: 0, sessionStartEquity: null, breakerLevel: 'none', updatedAt: T0,
      dailyLossTripped: false, maxDrawdownPct: null, lastEquity: null,
    });
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

  it('sets the session-start equity, and an equity drop raises the breaker level, without touching the counters', async () => {
    await addToDailyStats(t.db, DAY, { realizedPnl: new Decimal('5'), tradeCount: 2 }, T0);
    await setDailySessionStart(t.db, DAY, new Decimal('100000.123456'), T0 + 1);
    // 100000.123456 → 94000.123456 is a 6% drawdown: the pause level
    const { stats, previousLevel } = await recordEquity(t.db, DAY, { equity: new Decimal('94000.123456'), drawdownPct: new Decimal('6'), level: 'pause' }, T0 + 2);
    expect(previousLevel).toBe('none');
    expect(stats.sessionStartEquity?.toFixed()).toBe('100000.123456');
    expect(stats.breakerLevel).toBe('pause');
    expect(stats.realizedPnl.toFixed()).toBe('5');
    expect(stats.tradeCount).toBe(2);
    expect(stats.updatedAt).toBe(T0 + 2);
    expect(await getDailyStats(t.db, DAY)).toMatchObject({ breakerLevel: 'pause', tradeCount: 2 });
    // a breaker level reached before any trade creates the row, counters at zero
    const early = await recordEquity(t.db, '2026-11-24', { equity: new Decimal('97000'), drawdownPct: new Decimal('3'), level: 'warn' }, T0);
    expect(early.stats).toMatchObject({ breakerLevel: 'warn', tradeCount: 0, roundTripCount: 0 });
    expect(early.stats.realizedPnl.toFixed()).toBe('0');
  });

  it('rejects a date that is not YYYY-MM-DD', async () => {
    await expect(addToDailyStats(t.db, '11/23/2026', { tradeCount: 1 }, T0)).rejects.toThrow(/YYYY-MM-DD/);
  });

  describe('safety columns', () => {
    const obs = (equity: string, drawdownPct: string | null, level: BreakerLevel) =>
      ({ equity: new Decimal(equity), drawdownPct: drawdownPct === null ? null : new Decimal(drawdownPct), level });

    it('ensures a fresh zero row for a new date and never touches an existing one', async () => {
      const first = await ensureDailyStats(t.db, DAY, T0);
      expect(first.created).toBe(true);
      expect(first.stats).toMatchObject({ tradeCount: 0, roundTripCount: 0, breakerLevel: 'none', dailyLossTripped: false, updatedAt: T0 });
      expect(first.stats.realizedPnl.toFixed()).toBe('0');
      await addToDailyStats(t.db, DAY, { realizedPnl: new Decimal('-7'), tradeCount: 1 }, T0 + 1);
      const again = await ensureDailyStats(t.db, DAY, T0 + 2);
      expect(again.created).toBe(false);
      expect(again.stats.realizedPnl.toFixed()).toBe('-7');
      expect(again.stats.updatedAt).toBe(T0 + 1);
    });

    it('anchors the session-start equity once: the first anchor wins, a later one changes nothing', async () => {
      await addToDailyStats(t.db, DAY, { tradeCount: 1 }, T0);
      const anchored = await anchorSessionStart(t.db, DAY, new Decimal('100000.5'), T0 + 1);
      expect(anchored.sessionStartEquity?.toFixed()).toBe('100000.5');
      expect(anchored.tradeCount).toBe(1);
      const again = await anchorSessionStart(t.db, DAY, new Decimal('90000'), T0 + 2);
      expect(again.sessionStartEquity?.toFixed()).toBe('100000.5');
      expect(again.updatedAt).toBe(T0 + 1);
      // creates the row when there is none
      expect((await anchorSessionStart(t.db, '2026-11-24', new Decimal('5'), T0)).sessionStartEquity?.toFixed()).toBe('5');
    });

    it('refuses to anchor on an equity that is not positive', async () => {
      await expect(anchorSessionStart(t.db, DAY, new Decimal(0), T0)).rejects.toThrow(RangeError);
      await expect(anchorSessionStart(t.db, DAY, new Decimal(NaN), T0)).rejects.toThrow(RangeError);
      expect(await getDailyStats(t.db, DAY)).toBeNull();
    });

    it('records equity: last equity replaced, worst drawdown kept, level escalate-only', async () => {
      let r = await recordEquity(t.db, DAY, obs('96000', '4', 'warn'), T0);
      expect(r.previousLevel).toBe('none');
      expect(r.stats).toMatchObject({ breakerLevel: 'warn', updatedAt: T0 });
      expect(r.stats.lastEquity?.toFixed()).toBe('96000');
      expect(r.stats.maxDrawdownPct?.toFixed()).toBe('4');

      r = await recordEquity(t.db, DAY, obs('99000', '1', 'none'), T0 + 1);
      expect(r.previousLevel).toBe('warn');
      expect(r.stats.breakerLevel).toBe('warn');
      expect(r.stats.lastEquity?.toFixed()).toBe('99000');
      expect(r.stats.maxDrawdownPct?.toFixed()).toBe('4');

      r = await recordEquity(t.db, DAY, obs('89000', '11', 'halt'), T0 + 2);
      expect(r).toMatchObject({ previousLevel: 'warn', stats: { breakerLevel: 'halt' } });
      r = await recordEquity(t.db, DAY, obs('94000', '6', 'pause'), T0 + 3);
      expect(r).toMatchObject({ previousLevel: 'halt', stats: { breakerLevel: 'halt' } });
      expect(r.stats.maxDrawdownPct?.toFixed()).toBe('11');

      // an unknown drawdown keeps the worst one
      r = await recordEquity(t.db, DAY, obs('94000', null, 'none'), T0 + 4);
      expect(r.stats.maxDrawdownPct?.toFixed()).toBe('11');
    });

    it('of concurrent equity writes, each level is raised exactly once and the day ends at the highest', async () => {
      const levels: BreakerLevel[] = Array.from({ length: 30 }, (_, i) => (['none', 'warn', 'pause', 'halt'] as const)[(i * 7) % 4]!);
      const records = await Promise.all(levels.map((level, i) => recordEquity(t.db, DAY, obs(String(100000 - i), String(i % 12), level), T0 + i)));
      const rank = (l: BreakerLevel) => ['none', 'warn', 'pause', 'halt'].indexOf(l);
      // in commit order (= by the level reached, since levels only go up)
      const raises = records.filter((r) => r.stats.breakerLevel !== r.previousLevel)
        .map((r) => [r.previousLevel, r.stats.breakerLevel] as const)
        .sort((a, b) => rank(a[1]) - rank(b[1]));
      // a chain from 'none': every raise starts where the previous one ended, no level twice
      const reached = raises.map(([, to]) => to);
      expect(new Set(reached).size).toBe(reached.length);
      raises.forEach(([from], i) => expect(from).toBe(i === 0 ? 'none' : raises[i - 1]![1]));
      expect((await getDailyStats(t.db, DAY))?.breakerLevel).toBe('halt');
      expect((await getDailyStats(t.db, DAY))?.maxDrawdownPct?.toFixed()).toBe('11');
    });

    it('a write blocked behind an uncommitted raise sees that raise as its previous level (no double raise)', async () => {
      await ensureDailyStats(t.db, DAY, T0);
      let late: Promise<Awaited<ReturnType<typeof recordEquity>>> | undefined;
      await t.db.transaction().execute(async (trx) => {
        // hold the row, let the late write take its statement snapshot and queue on the lock…
        await trx.selectFrom('bot_daily_stats').select('date').where('date', '=', DAY).forUpdate().execute();
        late = recordEquity(t.db, DAY, obs('94500', '5.5', 'pause'), T0 + 2);
        await eventually(async () => {
          const waiting = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(t.db);
          if (waiting.rows[0]!.n < 1) throw new Error('not blocked yet');
        });
        // …then raise the level in the transaction it waits for
        const first = await recordEquity(trx, DAY, obs('94000', '6', 'pause'), T0 + 1);
        expect(first.previousLevel).toBe('none');
      });
      const second = await late!;
      expect(second.previousLevel).toBe('pause');
      expect(second.stats.breakerLevel).toBe('pause');
      expect(second.stats.maxDrawdownPct?.toFixed()).toBe('6');
    });

    it('trips the daily loss once: only the first of concurrent calls reports it, and it stays tripped', async () => {
      await addToDailyStats(t.db, DAY, { realizedPnl: new Decimal('-600') }, T0);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => markDailyLossTripped(t.db, DAY, T0 + 1 + i)));
      expect(results.filter((r) => r.newlyTripped)).toHaveLength(1);
      expect(results.every((r) => r.stats.dailyLossTripped)).toBe(true);
      expect((await getDailyStats(t.db, DAY))?.realizedPnl.toFixed()).toBe('-600');
      // later writes of other columns leave it tripped
      await recordEquity(t.db, DAY, obs('99000', '1', 'none'), T0 + 20);
      await addToDailyStats(t.db, DAY, { tradeCount: 1 }, T0 + 21);
      expect((await getDailyStats(t.db, DAY))?.dailyLossTripped).toBe(true);
      // and a row that did not exist is created tripped
      expect(await markDailyLossTripped(t.db, '2026-11-24', T0)).toMatchObject({ newlyTripped: true, stats: { dailyLossTripped: true, tradeCount: 0 } });
    });

    it('keeps each day apart: a new date starts clear while the previous day stays as it was', async () => {
      await recordEquity(t.db, DAY, obs('90000', '10', 'halt'), T0);
      await markDailyLossTripped(t.db, DAY, T0);
      const next = await ensureDailyStats(t.db, '2026-11-24', T0 + 1);
      expect(next.stats).toMatchObject({ breakerLevel: 'none', dailyLossTripped: false, maxDrawdownPct: null, sessionStartEquity: null });
      expect(await getDailyStats(t.db, DAY)).toMatchObject({ breakerLevel: 'halt', dailyLossTripped: true });
    });
  });
});
