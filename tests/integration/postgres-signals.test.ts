import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  getSignal, insertSignal, insertTrade, InvalidCursorError, listExpiredPendingSignals, listSignals, updateSignal,
} from '../../src/adapters/postgres/index.js';
import { Decimal } from '../../src/domain/money.js';
import type { SignalInput, SignalRecord } from '../../src/domain/signal.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const T0 = Date.UTC(2026, 10, 23, 14, 30, 0, 123);

const input = (symbol: string, over: Partial<SignalInput> = {}): SignalInput => ({
  id: null, symbol, side: 'buy', catalystType: 'fda', catalystTier: 3, aiConfidence: 'high', stars: null,
  confidence: 80, strategy: null, priceAtSignal: null, stopLossPrice: null, takeProfitPrice: null,
  floatShares: null, relativeVolume: null, ...over,
});

const record = (id: string, over: Partial<SignalRecord> = {}): SignalRecord => ({
  id, receivedAt: T0, input: input('ABCD'), executionMode: 'full_auto', stars: 5, status: 'fired', denial: null,
  verdicts: [], size: null, tradeId: null, expiresAt: null, decidedAt: T0, note: null, ...over,
});

describe('signal repository on real PostgreSQL', () => {
  let t: TestDb;
  beforeAll(async () => { t = await createTestDb(); });
  beforeEach(async () => { await t.truncate(); });
  afterAll(async () => { await t.close(); });

  it('round-trips a full record with exact decimals in input and size', async () => {
    const trade = await insertTrade(t.db, { symbol: 'ABCD', side: 'buy', status: 'pending_entry' }, T0);
    const full = record('sig-1', {
      input: input('ABCD', { id: 'sig-1', priceAtSignal: new Decimal('4.000000001'), stopLossPrice: new Decimal('0.0000001'),
        takeProfitPrice: new Decimal('105.898847512'), floatShares: 1_500_000, relativeVolume: 7.5, strategy: 'gap' }),
      size: { notional: new Decimal('99.999999999'), inputs: { mode: 'star_tiers', stars: 5, tierUsd: '100' } },
      verdicts: [{ check: 'bot-running', passed: true, denial: null },
        { check: 'per-trade-cap', passed: false, denial: { code: 'PER_TRADE_CAP', message: 'too big', context: { cap: '500' } } }],
      denial: { code: 'PER_TRADE_CAP', message: 'too big', context: { cap: '500' } },
      tradeId: trade.id, expiresAt: T0 + 300_000, note: 'hello',
    });
    const { inserted, record: stored } = await insertSignal(t.db, full);
    expect(inserted).toBe(true);
    expect(stored).toEqual(full);
    const read = await getSignal(t.db, 'sig-1');
    expect(read).toEqual(full);
    expect(read?.input.stopLossPrice?.toFixed()).toBe('0.0000001');
    expect(read?.size?.notional.toFixed()).toBe('99.999999999');
  });

  it('stores decimals in jsonb as strings, never as JSON numbers', async () => {
    await insertSignal(t.db, record('sig-j', { input: input('ABCD', { priceAtSignal: new Decimal('0.0000001') }) }));
    const raw = await sql<{ kind: string }>`SELECT jsonb_typeof(input->'priceAtSignal') AS kind FROM signal WHERE id = 'sig-j'`.execute(t.db);
    expect(raw.rows[0]?.kind).toBe('string');
  });

  it('answers a repeated id with the stored record and inserted=false, leaving it unchanged', async () => {
    await insertSignal(t.db, record('dup', { status: 'fired' }));
    const again = await insertSignal(t.db, record('dup', { status: 'skipped', receivedAt: T0 + 5 }));
    expect(again.inserted).toBe(false);
    expect(again.record.status).toBe('fired');
    expect(again.record.receivedAt).toBe(T0);
    const count = await sql<{ n: number }>`SELECT count(*)::int AS n FROM signal`.execute(t.db);
    expect(count.rows[0]?.n).toBe(1);
  });

  it('returns null for an unknown id', async () => {
    expect(await getSignal(t.db, 'nope')).toBeNull();
  });

  it('refuses a status outside SIGNAL_STATUSES', async () => {
    await expect(insertSignal(t.db, record('bad', { status: 'bogus' as never }))).rejects.toThrow();
  });

  it('updates a patch unconditionally and clears a field set to null', async () => {
    await insertSignal(t.db, record('u1', { status: 'pending', note: 'x', expiresAt: T0 + 1000 }));
    const updated = await updateSignal(t.db, 'u1', { status: 'approved', note: null, decidedAt: T0 + 50, stars: 4 });
    expect(updated).toMatchObject({ status: 'approved', note: null, decidedAt: T0 + 50, stars: 4, expiresAt: T0 + 1000 });
    expect(await getSignal(t.db, 'u1')).toEqual(updated);
  });

  it('compare-and-set: only the first of two transitions from pending wins', async () => {
    await insertSignal(t.db, record('cas', { status: 'pending' }));
    const approve = await updateSignal(t.db, 'cas', { status: 'approved', decidedAt: T0 + 1 }, 'pending');
    const expire = await updateSignal(t.db, 'cas', { status: 'expired', decidedAt: T0 + 2 }, 'pending');
    expect(approve?.status).toBe('approved');
    expect(expire).toBeNull();
    expect((await getSignal(t.db, 'cas'))?.status).toBe('approved');
  });

  it('returns null when updating an unknown signal', async () => {
    expect(await updateSignal(t.db, 'ghost', { status: 'rejected' })).toBeNull();
  });

  it('pages newest first with a stable cursor when many signals share a timestamp', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `s${i}`);
    for (const [i, id] of ids.entries()) await insertSignal(t.db, record(id, { receivedAt: i < 5 ? T0 : T0 + i }));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = await listSignals(t.db, { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((s) => s.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(['s6', 's5', 's4', 's3', 's2', 's1', 's0']);
  });

  it('filters by status and symbol', async () => {
    await insertSignal(t.db, record('a', { status: 'pending', input: input('AAA') }));
    await insertSignal(t.db, record('b', { status: 'fired', input: input('AAA') }));
    await insertSignal(t.db, record('c', { status: 'pending', input: input('BBB') }));
    const pending = await listSignals(t.db, { status: 'pending' });
    expect(pending.items.map((s) => s.id).sort()).toEqual(['a', 'c']);
    expect(pending.nextCursor).toBeNull();
    const aaaPending = await listSignals(t.db, { status: 'pending', symbol: 'AAA' });
    expect(aaaPending.items.map((s) => s.id)).toEqual(['a']);
  });

  it('rejects a cursor it did not make', async () => {
    await expect(listSignals(t.db, { cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('lists pending signals whose expiry has passed, soonest first', async () => {
    await insertSignal(t.db, record('late', { status: 'pending', expiresAt: T0 + 200 }));
    await insertSignal(t.db, record('early', { status: 'pending', expiresAt: T0 + 100 }));
    await insertSignal(t.db, record('future', { status: 'pending', expiresAt: T0 + 10_000 }));
    await insertSignal(t.db, record('done', { status: 'approved', expiresAt: T0 }));
    const expired = await listExpiredPendingSignals(t.db, T0 + 200);
    expect(expired.map((s) => s.id)).toEqual(['early', 'late']);
  });
});
