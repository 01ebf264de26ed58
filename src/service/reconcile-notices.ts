/**
 * Reconciliation corrections become ONE notification: what a reconciliation changed
 * in Keel's journal, and what it found and left alone — after a boot, a start, a mode switch or
 * the health job (the control's `{ type: 'reconciled', report, cause }` event).
 * Invariants:
 *  - pure: a report in, a Notification or null out. null when the run found nothing, and when it
 *    failed (a failed run changes no trade: that is the reconcile_failed event, not a correction);
 *  - critical when Keel and the broker disagreed about a position (a trade missing at the broker,
 *    an unknown broker position imported, the broker's quantity taken); warning otherwise;
 *  - the text lists what was corrected, one finding a line (the journal's wording), at most
 *    NOTICE_LINES of them, then how many more; `data` is JSON-safe and holds kinds, counts, trade
 *    ids and symbols only — never a quantity as a float, never the report's error text;
 *  - the key is the report's own (startedAt–finishedAt): the same report notified twice (the event
 *    and a read-back of lastReconciledReport after a late subscription) carries the same key.
 */
import { describeFinding } from '../control/reconcile/apply-findings.js';
import type { Notification, NotificationSeverity } from '../domain/notification.js';
import type { ReconcileFinding, ReconcileFindingKind, ReconciliationReport } from '../domain/reconciliation.js';
import type { EpochMs } from '../domain/time.js';

export const NOTICE_LINES = 5;

/** Keel's book and the broker disagreed about a position: the trader should look now */
const CRITICAL: ReadonlySet<ReconcileFindingKind> = new Set<ReconcileFindingKind>(['missing_at_broker', 'imported_broker_position', 'quantity_mismatch']);

/** found and reported, nothing in Keel's journal changed */
const LEFT_ALONE: ReadonlySet<ReconcileFindingKind> = new Set<ReconcileFindingKind>(['unowned_open_order']);

export const reconcileNoticeKey = (report: Pick<ReconciliationReport, 'startedAt' | 'finishedAt'>): string =>
  `reconciliation_corrections:${report.startedAt}-${report.finishedAt}`;

export function reconcileNotice(report: ReconciliationReport, at: EpochMs): Notification | null {
  if (!report.ok || report.findings.length === 0) return null;
  const corrected = report.findings.filter((f) => !LEFT_ALONE.has(f.kind));
  const leftAlone = report.findings.length - corrected.length;
  const severity: NotificationSeverity = report.findings.some((f) => CRITICAL.has(f.kind)) ? 'critical' : 'warning';
  return {
    kind: 'reconciliation_corrections', severity, at, key: reconcileNoticeKey(report),
    title: title(corrected.length, leftAlone),
    text: lines([...corrected, ...report.findings.filter((f) => LEFT_ALONE.has(f.kind))]),
    data: {
      corrected: corrected.length, leftAlone, kinds: countKinds(report.findings),
      findings: report.findings.map((f) => ({ kind: f.kind, symbol: f.symbol, tradeId: 'tradeId' in f ? f.tradeId : null })),
      startedAt: report.startedAt, finishedAt: report.finishedAt,
    },
  };
}

function title(corrected: number, leftAlone: number): string {
  const parts = [
    corrected > 0 ? `${corrected} correction${corrected === 1 ? '' : 's'}` : null,
    leftAlone > 0 ? `${leftAlone} unowned open order${leftAlone === 1 ? '' : 's'} left alone` : null,
  ].filter((p): p is string => p !== null);
  return `Reconciliation: ${parts.join(', ')}`;
}

function lines(findings: readonly ReconcileFinding[]): string {
  const shown = findings.slice(0, NOTICE_LINES).map(describeFinding);
  const more = findings.length - shown.length;
  return [...shown, ...(more > 0 ? [`… and ${more} more (GET /api/reconciliation)`] : [])].join('\n');
}

function countKinds(findings: readonly ReconcileFinding[]): Partial<Record<ReconcileFindingKind, number>> {
  const counts: Partial<Record<ReconcileFindingKind, number>> = {};
  for (const f of findings) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  return counts;
}
