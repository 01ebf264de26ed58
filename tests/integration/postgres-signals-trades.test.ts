import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  appendJournal, getTradeByClientOrderId, getTradeByOrderId, insertTrade, InvalidCursorError, listJournalForSubjects,
  listTradesPage,
} from '../../src/adapters/postgres/index.js';
import type { NewTrade } from '../../src/domain/trade.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const T0 = Date.UTC(2026, 10, 23, 14, 30, 0, 0);

const trade = (symbol: string, over: Partial<NewTrade> = {}): NewTrade => ({ symbol, side: 'buy', status: 'open', ...over });

describe('pipeline trade queries on real PostgreSQL', () => {
  let t: TestDb;
  beforeAll(async () => { t = await createTestDb(); });
  beforeEach(async () => { await t.truncate(); });
  afterAll(async () => { await t.close(); });

  it('pages every trade exactly once, newest first, when all share one created_at', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 9; i++) ids.add((await insertTrade(t.db, trade(`S${i}`), T0)).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = await listTradesPage(t.db, { limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((x) => x.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(9);
    expect(new Set(seen)).toEqual(ids);
    expect(seen).toEqual([...seen].sort().reverse()); // id DESC breaks the tie
  });

  it('orders by created_at before id', async () => {
    const older = await insertTrade(t.db, trade('OLD'), T0);
    const newer = await insertTrade(t.db, trade('NEW'), T0 + 1);
    const page = await listTradesPage(t.db, {});
    expect(page.items.map((x) => x.id)).toEqual([newer.id, older.id]);
    expect(page.nextCursor).toBeNull();
  });

  it('filters by status, symbol, exit reason and an inclusive created_at window', async () => {
    await insertTrade(t.db, trade('AAA', { status: 'closed', exitReason: 'hard_stop' }), T0);
    const hit = await insertTrade(t.db, trade('AAA', { status: 'closed', exitReason: 'profit_target' }), T0 + 1000);
    await insertTrade(t.db, trade('AAA', { status: 'closed', exitReason: 'profit_target' }), T0 + 2001);
    await insertTrade(t.db, trade('BBB', { status: 'closed', exitReason: 'profit_target' }), T0 + 1500);
    await insertTrade(t.db, trade('AAA', { status: 'open' }), T0 + 1500);
    const page = await listTradesPage(t.db, { status: 'closed', symbol: 'AAA', exitReason: 'profit_target', from: T0 + 1000, to: T0 + 2000 });
    expect(page.items.map((x) => x.id)).toEqual([hit.id]);
    expect((await listTradesPage(t.db, { from: T0 + 1000, to: T0 + 1000 })).items.map((x) => x.id)).toEqual([hit.id]);
  });

  it('filters by strategy and catalyst type, exactly', async () => {
    const hit = await insertTrade(t.db, trade('AAA', { strategy: 'gap-up', catalystType: 'fda' }), T0);
    await insertTrade(t.db, trade('AAA', { strategy: 'gap-up', catalystType: 'earnings' }), T0 + 1);
    await insertTrade(t.db, trade('AAA', { strategy: 'gap-up-2', catalystType: 'fda' }), T0 + 2);
    await insertTrade(t.db, trade('AAA', { strategy: null, catalystType: 'fda' }), T0 + 3);
    expect((await listTradesPage(t.db, { strategy: 'gap-up', catalystType: 'fda' })).items.map((x) => x.id)).toEqual([hit.id]);
    expect((await listTradesPage(t.db, { strategy: 'gap-up' })).items).toHaveLength(2);
    expect((await listTradesPage(t.db, { catalystType: 'fda' })).items).toHaveLength(3);
  });

  it('caps the page at 500 and defaults to 50', async () => {
    for (let i = 0; i < 51; i++) await insertTrade(t.db, trade('ZZ'), T0 + i);
    const page = await listTradesPage(t.db, {});
    expect(page.items).toHaveLength(50);
    expect(page.nextCursor).not.toBeNull();
    expect((await listTradesPage(t.db, { limit: 10_000 })).items).toHaveLength(51);
  });

  it('rejects a cursor whose id is not a trade id', async () => {
    const foreign = Buffer.from(JSON.stringify([T0, 'sig-1'])).toString('base64url');
    await expect(listTradesPage(t.db, { cursor: foreign })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('finds a trade by its entry or its exit client order id', async () => {
    const x = await insertTrade(t.db, trade('AAA', { entryClientOrderId: 'keel-e-1', exitClientOrderId: 'keel-x-1' }), T0);
    expect((await getTradeByClientOrderId(t.db, 'keel-e-1'))?.id).toBe(x.id);
    expect((await getTradeByClientOrderId(t.db, 'keel-x-1'))?.id).toBe(x.id);
    expect(await getTradeByClientOrderId(t.db, 'keel-none')).toBeNull();
  });

  it('finds a trade by its entry or its exit Alpaca order id', async () => {
    const x = await insertTrade(t.db, trade('AAA', { entryOrderId: 'ord-e', exitOrderId: 'ord-x' }), T0);
    expect((await getTradeByOrderId(t.db, 'ord-e'))?.id).toBe(x.id);
    expect((await getTradeByOrderId(t.db, 'ord-x'))?.id).toBe(x.id);
    expect(await getTradeByOrderId(t.db, 'ord-none')).toBeNull();
  });

  it('lists the journal about any of the subjects, oldest first, within the limit', async () => {
    await appendJournal(t.db, { kind: 'signal', cause: 'api', subject: 'sig-1', message: 'received' }, T0);
    await appendJournal(t.db, { kind: 'warning', cause: 'x', subject: 'other', message: 'unrelated' }, T0 + 1);
    await appendJournal(t.db, { kind: 'order_submitted', cause: 'pipeline', subject: 'ord-e', message: 'sent' }, T0 + 2);
    await appendJournal(t.db, { kind: 'trade_update', cause: 'broker', subject: 'ord-e', message: 'fill', data: { qty: '4' } }, T0 + 3);
    const all = await listJournalForSubjects(t.db, ['sig-1', 'ord-e']);
    expect(all.map((e) => e.message)).toEqual(['received', 'sent', 'fill']);
    expect(all[2]).toMatchObject({ kind: 'trade_update', at: T0 + 3, data: { qty: '4' } });
    expect((await listJournalForSubjects(t.db, ['sig-1', 'ord-e'], 2)).map((e) => e.message)).toEqual(['received', 'sent']);
    expect(await listJournalForSubjects(t.db, [])).toEqual([]);
  });
});
