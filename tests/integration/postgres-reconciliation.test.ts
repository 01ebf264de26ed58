import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/money.js';
import type { ReconciliationReport } from '../../src/domain/reconciliation.js';
import { lastReconciliationReport, saveReconciliationReport } from '../../src/adapters/postgres/index.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const T0 = Date.UTC(2026, 10, 23, 14, 30);
const d = (s: string): Decimal => new Decimal(s);

const report: ReconciliationReport = {
  startedAt: T0, finishedAt: T0 + 321, ok: true, error: null,
  journalLiveTrades: 4, brokerPositions: 2, brokerOpenOrders: 1,
  findings: [
    { kind: 'closed_at_broker', tradeId: 't1', symbol: 'AAA', exitOrderId: 'o1', exitPrice: d('105.898847512'),
      shares: d('3'), pnl: d('-0.000000001'), pnlPct: d('-12.5'), exitAt: T0 - 5000, exitReason: 'hard_stop' },
    { kind: 'missing_at_broker', tradeId: 't2', symbol: 'BBB', note: 'no sell fill since entry' },
    { kind: 'imported_broker_position', symbol: 'CCC', shares: d('12.75'), avgEntryPrice: d('3.3333') },
    { kind: 'quantity_mismatch', tradeId: 't3', symbol: 'DDD', journalShares: null, brokerShares: d('7') },
    { kind: 'quantity_mismatch', tradeId: 't4', symbol: 'EEE', journalShares: d('10'), brokerShares: d('9.5') },
    { kind: 'pending_entry_filled', tradeId: 't5', symbol: 'FFF', orderId: 'o5', shares: d('1'), entryPrice: d('19.99'), entryAt: T0 - 1 },
    { kind: 'pending_entry_working', tradeId: 't6', symbol: 'GGG', orderId: 'o6', status: 'new' },
    { kind: 'pending_entry_cancelled', tradeId: 't7', symbol: 'HHH', orderId: 'o7', status: 'canceled' },
    { kind: 'pending_entry_not_found', tradeId: 't8', symbol: 'III', clientOrderId: null },
    { kind: 'unowned_open_order', orderId: 'o9', clientOrderId: 'manual-1', symbol: 'JJJ', side: 'sell' },
  ],
};

/** Decimals as tagged exact strings, so toEqual compares digits, not decimal.js internals */
const exact = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_k, v: unknown) =>
  (typeof v === 'object' && v !== null && Decimal.isDecimal(v) ? `D:${(v as Decimal).toFixed()}` : v)));

describe('reconciliation_run repository on real PostgreSQL', () => {
  let t: TestDb;
  beforeAll(async () => { t = await createTestDb(); });
  beforeEach(async () => { await t.truncate(); });
  afterAll(async () => { await t.close(); });

  it('has no report before the first run', async () => {
    expect(await lastReconciliationReport(t.db)).toBeNull();
  });

  it('round-trips a report with every finding kind, reviving Decimals as Decimals', async () => {
    await saveReconciliationReport(t.db, report);
    const loaded = await lastReconciliationReport(t.db);
    expect(exact(loaded)).toEqual(exact(report));
    const closed = loaded?.findings[0];
    expect(closed?.kind === 'closed_at_broker' && Decimal.isDecimal(closed.exitPrice)).toBe(true);
    const mismatch = loaded?.findings[3];
    expect(mismatch?.kind === 'quantity_mismatch' && mismatch.journalShares).toBeNull();
  });

  it('returns the most recently saved run, failed ones included', async () => {
    const firstId = await saveReconciliationReport(t.db, report);
    const failed: ReconciliationReport = { ...report, startedAt: T0 + 1000, finishedAt: T0 + 1500, ok: false,
      error: 'broker unreachable', findings: [], brokerPositions: 0, brokerOpenOrders: 0 };
    const secondId = await saveReconciliationReport(t.db, failed);
    expect(secondId).toBeGreaterThan(firstId);
    expect(exact(await lastReconciliationReport(t.db))).toEqual(exact(failed));
  });
});
