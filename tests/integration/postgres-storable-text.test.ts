/**
 * What arrives from outside the HTTP edge (the broker's order fields, its error messages) is
 * journaled even when it carries text PostgreSQL cannot store: a NUL (refused in text and jsonb)
 * or a lone surrogate (refused in jsonb), in a value or a key, at any depth. It is stored with
 * U+FFFD in its place; the entry is not lost. Escaped backslashes stay what they were.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  appendJournal, appendJournalEntries, lastReconciliationReport, listJournal, saveReconciliationReport,
} from '../../src/adapters/postgres/index.js';
import { getSignal, insertSignal } from '../../src/adapters/postgres/signal.repo.js';
import { storableJson } from '../../src/adapters/postgres/storable-text.js';
import { Decimal } from '../../src/domain/money.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const T0 = Date.UTC(2026, 10, 23, 14, 30);
const R = '\ufffd';

let t: TestDb;
beforeAll(async () => { t = await createTestDb(); });
beforeEach(async () => { await t.truncate(); });
afterAll(async () => { await t.close(); });

describe('text PostgreSQL cannot store, from the broker', () => {
  it('journals a trade update whose fields carry a NUL and a lone surrogate, in values and keys', async () => {
    const entry = await appendJournal(t.db, {
      kind: 'trade_update', cause: 'broker', subject: 'ord\u0000-1',
      message: 'fill buy AB\ud800C', data: { symbol: 'AB\ud800C', nested: [{ 'reason\u0000': 'x\udc00y' }], ok: '🚀' },
    }, T0);
    expect(entry).toMatchObject({ subject: `ord${R}-1`, message: `fill buy AB${R}C`, data: { symbol: `AB${R}C`, nested: [{ [`reason${R}`]: `x${R}y` }], ok: '🚀' } });
    await appendJournalEntries(t.db, [{ kind: 'warning', cause: 'broker', message: 'stream stopped: \u0000', data: { e: '\ud83d' } }], T0 + 1);
    expect((await listJournal(t.db, {})).map((e) => [e.message, e.data])).toEqual([
      [`fill buy AB${R}C`, entry.data], [`stream stopped: ${R}`, { e: R }],
    ]);
  });

  it('keeps a backslash followed by u0000 (plain text, not an escape) as it was', async () => {
    const text = '\\u0000 and \\\\ud800 and \\\u0000';
    const entry = await appendJournal(t.db, { kind: 'warning', cause: 'test', message: 'm', data: { text } }, T0);
    expect(entry.data).toEqual({ text: `\\u0000 and \\\\ud800 and \\${R}` });
    expect(storableJson(JSON.stringify({ text: 'plain' }))).toBe('{"text":"plain"}');
  });

  it('saves a reconciliation run whose error and findings carry such text', async () => {
    const id = await saveReconciliationReport(t.db, {
      startedAt: T0, finishedAt: T0 + 5, ok: false, error: 'broker said \u0000',
      findings: [{ kind: 'unowned_open_order', orderId: 'o\ud800', clientOrderId: 'c\u0000', symbol: 'ABCD', side: 'buy' }],
      journalLiveTrades: 0, brokerPositions: 0, brokerOpenOrders: 1,
    });
    expect(id).toBeGreaterThan(0);
    expect(await lastReconciliationReport(t.db)).toMatchObject({
      error: `broker said ${R}`, findings: [{ kind: 'unowned_open_order', orderId: `o${R}`, clientOrderId: `c${R}` }],
    });
  });

  it('stores a signal whose denial quotes such text from the broker', async () => {
    await insertSignal(t.db, {
      id: 'sig-1', receivedAt: T0, executionMode: 'full_auto', stars: 5, status: 'skipped',
      denial: { code: 'BROKER_REJECTED', message: 'broker: bad \u0000 \ud800', context: {} }, verdicts: [],
      input: { id: 'sig-1', symbol: 'ABCD', side: 'buy', catalystType: 'fda', catalystTier: 1, aiConfidence: null, stars: null, confidence: null,
        strategy: null, priceAtSignal: new Decimal('1.5'), stopLossPrice: null, takeProfitPrice: null, floatShares: null, relativeVolume: null },
      size: null, tradeId: null, expiresAt: null, decidedAt: null, note: null,
    });
    expect((await getSignal(t.db, 'sig-1'))?.denial?.message).toBe(`broker: bad ${R} ${R}`);
  });
});
