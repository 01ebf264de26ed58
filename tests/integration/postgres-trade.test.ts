import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/money.js';
import type { NewTrade } from '../../src/domain/trade.js';
import { getTrade, insertTrade, listTrades, updateTrade } from '../../src/adapters/postgres/index.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const T0 = Date.UTC(2026, 10, 23, 14, 30, 0, 123);

const pending = (symbol: string, over: Partial<NewTrade> = {}): NewTrade => ({
  symbol, side: 'buy', status: 'pending_entry', entryClientOrderId: `keel-${symbol}-1`, ...over,
});

describe('bot_trade repository on real PostgreSQL', () => {
  let t: TestDb;
  beforeAll(async () => { t = await createTestDb(); });
  beforeEach(async () => { await t.truncate(); });
  afterAll(async () => { await t.close(); });

  it('inserts a trade with a generated uuid, null defaults and clock timestamps', async () => {
    const trade = await insertTrade(t.db, pending('ABCD', { catalystType: 'fda', catalystTier: 1, stars: 5 }), T0);
    expect(trade.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(trade).toMatchObject({ symbol: 'ABCD', side: 'buy', status: 'pending_entry', catalystTier: 1, stars: 5,
      entryPrice: null, exitReason: null, entryAt: null, createdAt: T0, updatedAt: T0 });
    expect(await getTrade(t.db, trade.id)).toEqual(trade);
  });

  it('keeps decimals exact through an update and a read (105.898847512)', async () => {
    const trade = await insertTrade(t.db, pending('XYZ'), T0);
    const updated = await updateTrade(t.db, trade.id, {
      status: 'open', entryPrice: new Decimal('105.898847512'), shares: new Decimal('4.000000001'),
      notional: new Decimal('423.595390048'), peakPrice: new Decimal('0.0000001'), entryAt: T0 + 250,
    }, T0 + 1000);
    const read = await getTrade(t.db, trade.id);
    expect(read?.entryPrice?.toFixed()).toBe('105.898847512');
    expect(read?.shares?.toFixed()).toBe('4.000000001');
    expect(read?.notional?.toFixed()).toBe('423.595390048');
    expect(read?.peakPrice?.toFixed()).toBe('0.0000001');
    expect(read?.entryAt).toBe(T0 + 250);
    expect(read?.createdAt).toBe(T0);
    expect(read?.updatedAt).toBe(T0 + 1000);
    expect(updated).toEqual(read);
  });

  it('closes a trade with exit fields and clears a field set to null', async () => {
    const trade = await insertTrade(t.db, pending('QQQ', { notes: 'temporary' }), T0);
    const closed = await updateTrade(t.db, trade.id, {
      status: 'closed', exitReason: 'profit_target', exitPrice: new Decimal('11.01'), pnl: new Decimal('-2478'),
      pnlPct: new Decimal('-0.5'), exitAt: T0 + 60_000, notes: null,
    }, T0 + 60_000);
    expect(closed.exitReason).toBe('profit_target');
    expect(closed.pnl?.toFixed()).toBe('-2478');
    expect(closed.exitAt).toBe(T0 + 60_000);
    expect(closed.notes).toBeNull();
    expect(closed.symbol).toBe('QQQ');
  });

  it('lists trades by status and symbol, newest first, with a limit', async () => {
    const a = await insertTrade(t.db, pending('AAA'), T0);
    const b = await insertTrade(t.db, pending('BBB', { status: 'open' }), T0 + 1);
    const c = await insertTrade(t.db, pending('AAA', { status: 'closed', entryClientOrderId: 'keel-AAA-2', exitReason: 'manual' }), T0 + 2);
    const live = await listTrades(t.db, { statuses: ['pending_entry', 'open', 'exiting'] });
    expect(live.map((x) => x.id)).toEqual([b.id, a.id]);
    expect((await listTrades(t.db, { symbol: 'AAA' })).map((x) => x.id)).toEqual([c.id, a.id]);
    expect((await listTrades(t.db, { limit: 1 })).map((x) => x.id)).toEqual([c.id]);
    expect(await listTrades(t.db, { statuses: [] })).toEqual([]);
  });

  it('refuses a second trade with the same entry client order id', async () => {
    await insertTrade(t.db, pending('DUP', { entryClientOrderId: 'keel-sig-42' }), T0);
    await expect(insertTrade(t.db, pending('DUP', { entryClientOrderId: 'keel-sig-42' }), T0 + 1))
      .rejects.toThrow(/bot_trade_entry_client_order_id_key/);
    // trades without a client order id do not collide with each other
    await insertTrade(t.db, pending('NONE', { entryClientOrderId: null }), T0);
    await insertTrade(t.db, pending('NONE', { entryClientOrderId: null }), T0);
    expect(await listTrades(t.db, { symbol: 'NONE' })).toHaveLength(2);
  });

  it('refuses an unknown status or exit reason', async () => {
    await expect(insertTrade(t.db, pending('BAD', { status: 'lost' as never }), T0)).rejects.toThrow(/check constraint/);
    const trade = await insertTrade(t.db, pending('BAD'), T0);
    await expect(updateTrade(t.db, trade.id, { exitReason: 'vibes' as never }, T0)).rejects.toThrow(/check constraint/);
  });

  it('reports a missing trade: null from getTrade, an error from updateTrade', async () => {
    expect(await getTrade(t.db, '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await getTrade(t.db, 'not-a-uuid')).toBeNull();
    await expect(updateTrade(t.db, '00000000-0000-4000-8000-000000000000', { status: 'open' }, T0))
      .rejects.toThrow(/not found/);
  });
});
