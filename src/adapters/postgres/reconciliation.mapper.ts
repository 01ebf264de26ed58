/**
 * ReconciliationReport ⇄ jsonb. JSON has no decimal type, so Decimals are stored as exact strings
 * (toFixed) and revived by finding kind: the table below names every Decimal field of every kind,
 * and a finding kind missing from it fails to compile.
 */
import { Decimal } from '../../domain/money.js';
import type { ReconcileFinding, ReconcileFindingKind, ReconciliationReport } from '../../domain/reconciliation.js';

type DecimalKeys<F> = { [K in keyof F]-?: F[K] extends Decimal | null ? K : never }[keyof F];

const DECIMAL_FIELDS: { [K in ReconcileFindingKind]: readonly DecimalKeys<Extract<ReconcileFinding, { kind: K }>>[] } = {
  closed_at_broker: ['exitPrice', 'shares', 'pnl', 'pnlPct'],
  missing_at_broker: [],
  imported_broker_position: ['shares', 'avgEntryPrice'],
  quantity_mismatch: ['journalShares', 'brokerShares'],
  pending_entry_filled: ['shares', 'entryPrice'],
  pending_entry_working: [],
  pending_entry_cancelled: [],
  pending_entry_not_found: [],
  unowned_open_order: [],
};

/** what goes into reconciliation_run.report (the columns hold startedAt/finishedAt/ok/error) */
export interface StoredReport {
  findings: Record<string, unknown>[];
  journalLiveTrades: number;
  brokerPositions: number;
  brokerOpenOrders: number;
}

function findingToJson(finding: ReconcileFinding): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(finding)) {
    out[key] = Decimal.isDecimal(value) ? (value as Decimal).toFixed() : value;
  }
  return out;
}

function findingFromJson(json: Record<string, unknown>): ReconcileFinding {
  const kind = json['kind'] as ReconcileFindingKind;
  const fields = DECIMAL_FIELDS[kind] as readonly string[] | undefined;
  if (!fields) throw new Error(`stored reconciliation finding has unknown kind ${JSON.stringify(kind)}`);
  const out: Record<string, unknown> = { ...json };
  for (const field of fields) {
    const value = json[field];
    out[field] = value === null || value === undefined ? null : new Decimal(value as string);
  }
  return out as unknown as ReconcileFinding;
}

export function reportToJson(report: ReconciliationReport): StoredReport {
  return {
    findings: report.findings.map(findingToJson),
    journalLiveTrades: report.journalLiveTrades,
    brokerPositions: report.brokerPositions,
    brokerOpenOrders: report.brokerOpenOrders,
  };
}

export function reportFromJson(
  columns: { startedAt: number; finishedAt: number; ok: boolean; error: string | null },
  stored: StoredReport,
): ReconciliationReport {
  return {
    ...columns,
    findings: stored.findings.map(findingFromJson),
    journalLiveTrades: stored.journalLiveTrades,
    brokerPositions: stored.brokerPositions,
    brokerOpenOrders: stored.brokerOpenOrders,
  };
}
