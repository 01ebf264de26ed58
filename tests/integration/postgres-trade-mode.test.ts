import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getTrade, insertTrade, loadBotConfig, saveBotMode, updateTrade } from '../../src/adapters/postgres/index.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const T0 = Date.UTC(2026, 10, 23, 14, 30, 0, 0);

describe('a trade records the trading mode it was made in (real PostgreSQL)', () => {
  let t: TestDb;
  beforeAll(async () => { t = await createTestDb(); });
  beforeEach(async () => { await t.truncate(); });
  afterAll(async () => { await t.close(); });

  it('takes the bot mode at the insert, and keeps it after the mode changes', async () => {
    await loadBotConfig(t.db, T0);
    const paper = await insertTrade(t.db, { symbol: 'AAPL', side: 'buy', status: 'open' }, T0);
    expect(paper.mode).toBe('paper');
    await saveBotMode(t.db, 'live', T0 + 1);
    const live = await insertTrade(t.db, { symbol: 'MSFT', side: 'buy', status: 'open' }, T0 + 2);
    expect(live.mode).toBe('live');
    await updateTrade(t.db, paper.id, { status: 'closed' }, T0 + 3);
    expect((await getTrade(t.db, paper.id))?.mode).toBe('paper');
  });

  it('is paper before any configuration row exists, and an explicit mode is kept', async () => {
    expect((await insertTrade(t.db, { symbol: 'AAPL', side: 'buy', status: 'open' }, T0)).mode).toBe('paper');
    expect((await insertTrade(t.db, { symbol: 'AAPL', side: 'buy', status: 'open', mode: 'live' }, T0)).mode).toBe('live');
  });
});
