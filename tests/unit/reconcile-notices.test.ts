import { describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/money.js';
import { NOTIFICATION_KINDS } from '../../src/domain/notification.js';
import type { ReconcileFinding, ReconciliationReport } from '../../src/domain/reconciliation.js';
import { NOTICE_LINES, reconcileNotice, reconcileNoticeKey } from '../../src/service/reconcile-notices.js';

const STARTED = Date.parse('2026-11-23T14:00:00Z');
const AT = STARTED + 5_000;

function report(findings: ReconcileFinding[], overrides: Partial<ReconciliationReport> = {}): ReconciliationReport {
  return { startedAt: STARTED, finishedAt: STARTED + 1_200, ok: true, error: null, findings, journalLiveTrades: 2, brokerPositions: 1, brokerOpenOrders: 0, ...overrides };
}

const closedAtBroker: ReconcileFinding = {
  kind: 'closed_at_broker', tradeId: 't-1', symbol: 'AAPL', exitOrderId: 'o-exit-1', exitPrice: dec('101.25'), shares: dec('10'),
  pnl: dec('12.5'), pnlPct: dec('1.25'), exitAt: STARTED - 60_000, exitReason: 'reconciled_closed_at_broker',
};
const cancelledEntry: ReconcileFinding = { kind: 'pending_entry_cancelled', tradeId: 't-2', symbol: 'MSFT', orderId: 'o-2', status: 'canceled' };
const imported: ReconcileFinding = { kind: 'imported_broker_position', symbol: 'NVDA', shares: dec('3'), avgEntryPrice: dec('450.5') };
const missing: ReconcileFinding = { kind: 'missing_at_broker', tradeId: 't-3', symbol: 'TSLA', note: 'broker flat, no sell fill found' };
const mismatch: ReconcileFinding = { kind: 'quantity_mismatch', tradeId: 't-4', symbol: 'AMD', journalShares: dec('10'), brokerShares: dec('7') };
const unowned: ReconcileFinding = { kind: 'unowned_open_order', orderId: 'o-9', clientOrderId: 'manual-1', symbol: 'SPY', side: 'buy' };

describe('reconcileNotice', () => {
  it('says nothing when reconciliation found nothing', () => {
    expect(reconcileNotice(report([]), AT)).toBeNull();
  });

  it('says nothing for a failed run (no trade changed; that is the reconcile_failed event)', () => {
    expect(reconcileNotice(report([], { ok: false, error: 'broker unreachable: https://paper-api.alpaca.markets/v2/positions' }), AT)).toBeNull();
  });

  it('lists each correction in the journal\'s words, as a warning when Keel\'s book and the broker agree on positions', () => {
    const notice = reconcileNotice(report([closedAtBroker, cancelledEntry]), AT);
    expect(notice).toMatchObject({
      kind: 'reconciliation_corrections', severity: 'warning', at: AT, title: 'Reconciliation: 2 corrections',
      data: {
        corrected: 2, leftAlone: 0, kinds: { closed_at_broker: 1, pending_entry_cancelled: 1 },
        findings: [{ kind: 'closed_at_broker', symbol: 'AAPL', tradeId: 't-1' }, { kind: 'pending_entry_cancelled', symbol: 'MSFT', tradeId: 't-2' }],
      },
    });
    expect(notice!.text.split('\n')).toEqual([
      'AAPL: closed at the broker at 101.25 (order o-exit-1); P&L 12.5',
      'MSFT: entry order o-2 ended canceled with nothing filled; trade cancelled',
    ]);
    expect(NOTIFICATION_KINDS).toContain(notice!.kind);
  });

  for (const finding of [imported, missing, mismatch]) {
    it(`is critical when the broker and Keel disagreed about a position (${finding.kind})`, () => {
      const notice = reconcileNotice(report([closedAtBroker, finding]), AT);
      expect(notice?.severity).toBe('critical');
      expect(notice?.text).toContain(finding.symbol);
    });
  }

  it('tells an unowned open order (left alone) apart from a correction, corrections first', () => {
    const onlyUnowned = reconcileNotice(report([unowned]), AT);
    expect(onlyUnowned).toMatchObject({ severity: 'warning', title: 'Reconciliation: 1 unowned open order left alone', data: { corrected: 0, leftAlone: 1 } });
    const both = reconcileNotice(report([unowned, cancelledEntry]), AT);
    expect(both?.title).toBe('Reconciliation: 1 correction, 1 unowned open order left alone');
    expect(both?.text.split('\n')[0]).toMatch(/^MSFT: /);
    expect(both?.text.split('\n')[1]).toMatch(/^SPY: open buy order o-9 .* left alone$/);
  });

  it(`shows at most ${NOTICE_LINES} lines and points to the full report for the rest`, () => {
    const many = Array.from({ length: NOTICE_LINES + 3 }, (_, i): ReconcileFinding => ({ ...cancelledEntry, tradeId: `t-${i}`, symbol: `S${i}` }));
    const notice = reconcileNotice(report(many), AT)!;
    const text = notice.text.split('\n');
    expect(text).toHaveLength(NOTICE_LINES + 1);
    expect(text.at(-1)).toBe('… and 3 more (GET /api/reconciliation)');
    expect(notice.data.findings).toHaveLength(NOTICE_LINES + 3);
  });

  it('keys the notice by the report, so the same report notified twice dedupes and another run does not', () => {
    const a = reconcileNotice(report([cancelledEntry]), AT)!;
    const again = reconcileNotice(report([cancelledEntry]), AT + 60_000)!;
    const later = reconcileNotice(report([cancelledEntry], { startedAt: STARTED + 300_000, finishedAt: STARTED + 301_000 }), AT)!;
    expect(a.key).toBe(reconcileNoticeKey(report([])));
    expect(again.key).toBe(a.key);
    expect(later.key).not.toBe(a.key);
  });

  it('keeps data JSON-safe: no Decimal objects, nothing a round trip through JSON changes', () => {
    const notice = reconcileNotice(report([closedAtBroker, imported, missing, mismatch, unowned]), AT)!;
    expect(JSON.parse(JSON.stringify(notice.data))).toEqual(notice.data);
  });
});
