import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getSignal, getTrade, listJournal } from '../../src/adapters/postgres/index.js';
import { insertFiredEntry, isUniqueViolation } from '../../src/adapters/postgres/entry.repo.js';
import { Decimal } from '../../src/domain/money.js';
import type { SignalRecord } from '../../src/domain/signal.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const T0 = Date.UTC(2026, 10, 23, 15, 0, 0, 0);

const signal = (id: string): SignalRecord => ({
  id, receivedAt: T0, executionMode: 'full_auto', stars: 5, status: 'fired', denial: null, verdicts: [],
  input: { id, symbol: 'ABCD', side: 'buy', catalystType: 'fda', catalystTier: 1, aiConfidence: null, stars: null, confidence: null,
    strategy: null, priceAtSignal: null, stopLossPrice: null, takeProfitPrice: null, floatShares: null, relativeVolume: null },
  size: { notional: new Decimal('100.5'), inputs: { mode: 'star_tiers' } }, tradeId: null, expiresAt: null, decidedAt: T0, note: null,
});

const fired = (id: string, tradeId = randomUUID()) => ({
  tradeId,
  trade: { symbol: 'ABCD', side: 'buy' as const, status: 'pending_entry' as const, entryClientOrderId: `keel-${id}`, notional: new Decimal('100.5'), signalId: id },
  signal: signal(id),
  journal: [
    { kind: 'order_submitted' as const, cause: 'signal', subject: tradeId, message: 'entry intent', data: { tradeId } },
    { kind: 'signal' as const, cause: 'signal', subject: id, message: 'signal fired', data: { signalId: id } },
  ],
});

describe('a fired signal written in one statement', () => {
  let t: TestDb;
  beforeAll(async () => { t = await createTestDb(); });
  beforeEach(async () => { await t.truncate(); });
  afterAll(async () => { await t.close(); });

  it('writes the trade, the signal pointing at it and the journal entries in order', async () => {
    const entry = fired('sig-1');
    const trade = await insertFiredEntry(t.db, entry, T0);
    expect(trade).toMatchObject({ id: entry.tradeId, status: 'pending_entry', entryClientOrderId: 'keel-sig-1', signalId: 'sig-1' });
    expect(trade.notional?.toFixed()).toBe('100.5');
    expect((await getSignal(t.db, 'sig-1'))?.tradeId).toBe(entry.tradeId);
    expect((await getTrade(t.db, entry.tradeId))?.createdAt).toBe(T0);
    expect((await listJournal(t.db, {})).map((j) => [j.kind, j.subject])).toEqual([['order_submitted', entry.tradeId], ['signal', 'sig-1']]);
  });

  it('writes nothing at all when the signal id is already stored (a unique violation, not a half entry)', async () => {
    await insertFiredEntry(t.db, fired('sig-1'), T0);
    const again = fired('sig-1');
    const error = await insertFiredEntry(t.db, again, T0 + 1).then(() => null, (e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
    expect(await getTrade(t.db, again.tradeId)).toBeNull();
    expect(await listJournal(t.db, {})).toHaveLength(2);
  });
});
