import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addToDailyStats, countEntriesSince, getDailyStats, insertSignal, insertTrade, listTrades, loadBotConfig, saveBotSettings } from '../../src/adapters/postgres/index.js';
import { recordEquity } from '../../src/adapters/postgres/daily-stats.repo.js';
import { loadEntryFacts } from '../../src/adapters/postgres/entry.repo.js';
import { Decimal } from '../../src/domain/money.js';
import { LIVE_TRADE_STATUSES, type TradeStatus } from '../../src/domain/trade.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const DAY = '2026-11-23';
const MIDNIGHT_ET = Date.parse('2026-11-23T05:00:00Z');
const T0 = Date.parse('2026-11-23T15:00:00Z');
const query = { date: DAY, since: MIDNIGHT_ET, liveStatuses: LIVE_TRADE_STATUSES };

/** the four separate reads the one statement replaces */
async function separately(t: TestDb) {
  const [config, live, entries, stats] = await Promise.all([
    loadBotConfig(t.db, T0), listTrades(t.db, { statuses: LIVE_TRADE_STATUSES }), countEntriesSince(t.db, MIDNIGHT_ET), getDailyStats(t.db, DAY),
  ]);
  return {
    config, liveSymbols: live.map((x) => x.symbol).sort(), entriesSince: entries,
    today: stats ? { realizedPnl: stats.realizedPnl.toFixed(), roundTripCount: stats.roundTripCount, breakerLevel: stats.breakerLevel } : null,
  };
}

async function together(t: TestDb) {
  const row = await loadEntryFacts(t.db, query);
  if (!row) throw new Error('no row');
  return {
    config: row.config, liveSymbols: [...row.liveSymbols].sort(), entriesSince: row.entriesSince,
    today: row.today ? { realizedPnl: row.today.realizedPnl.toFixed(), roundTripCount: row.today.roundTripCount, breakerLevel: row.today.breakerLevel } : null,
  };
}

describe('the entry facts read in one statement', () => {
  let t: TestDb;
  beforeAll(async () => { t = await createTestDb(); });
  beforeEach(async () => { await t.truncate(); });
  afterAll(async () => { await t.close(); });

  it('says whether the signal id is stored already', async () => {
    await loadBotConfig(t.db, T0);
    await insertSignal(t.db, {
      id: 'sig-stored', receivedAt: T0, executionMode: 'full_auto', stars: 5, status: 'skipped', denial: null, verdicts: [], size: null,
      input: { id: 'sig-stored', symbol: 'ABCD', side: 'buy', catalystType: 'fda', catalystTier: 1, aiConfidence: null, stars: null, confidence: null,
        strategy: null, priceAtSignal: null, stopLossPrice: null, takeProfitPrice: null, floatShares: null, relativeVolume: null },
      tradeId: null, expiresAt: null, decidedAt: T0, note: null,
    });
    expect((await loadEntryFacts(t.db, { ...query, signalId: 'sig-stored' }))?.signalStored).toBe(true);
    expect((await loadEntryFacts(t.db, { ...query, signalId: 'sig-new' }))?.signalStored).toBe(false);
    expect((await loadEntryFacts(t.db, query))?.signalStored).toBe(false);
  });

  it('is null before the bot_config row exists', async () => {
    await t.db.deleteFrom('bot_config').execute();
    expect(await loadEntryFacts(t.db, query)).toBeNull();
  });

  it('answers what the separate reads answer on an empty day', async () => {
    await loadBotConfig(t.db, T0);
    const got = await together(t);
    expect(got).toEqual(await separately(t));
    expect(got).toMatchObject({ liveSymbols: [], entriesSince: 0, today: null });
  });

  it('answers what the separate reads answer with live, closed, cancelled and yesterday\'s trades and a stats row', async () => {
    await saveBotSettings(t.db, { maxTradesPerDay: 7, dailyLossLimitUsd: new Decimal('123.456789') }, T0);
    const at = (status: TradeStatus, symbol: string, when: number) => insertTrade(t.db, { symbol, side: 'buy', status }, when);
    await at('pending_entry', 'AAA', T0);
    await at('open', 'BBB', T0);
    await at('exiting', 'CCC', T0);
    await at('closed', 'DDD', T0);
    await at('cancelled', 'EEE', T0);
    await at('open', 'FFF', MIDNIGHT_ET - 1); // yesterday's entry, still open
    await addToDailyStats(t.db, DAY, { realizedPnl: new Decimal('-12.3456789012'), roundTripCount: 2 }, T0);
    await recordEquity(t.db, DAY, { equity: new Decimal(1000), drawdownPct: new Decimal(3), level: 'warn' }, T0);

    const got = await together(t);
    expect(got).toEqual(await separately(t));
    expect(got.liveSymbols).toEqual(['AAA', 'BBB', 'CCC', 'FFF']);
    expect(got.entriesSince).toBe(4); // cancelled and yesterday's excluded
    expect(got.today).toEqual({ realizedPnl: '-12.3456789012', roundTripCount: 2, breakerLevel: 'warn' });
    expect(got.config.maxTradesPerDay).toBe(7);
    expect(got.config.dailyLossLimitUsd.toFixed()).toBe('123.456789');
  });
});
