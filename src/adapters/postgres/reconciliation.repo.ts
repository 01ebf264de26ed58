/**
 * reconciliation_run: one row per startup reconciliation attempt (failed ones too), newest last.
 * The typed diff lives in `report` (jsonb, Decimals as strings: see reconciliation.mapper.ts).
 */
import type { ReconciliationReport } from '../../domain/reconciliation.js';
import { reportFromJson, reportToJson, type StoredReport } from './reconciliation.mapper.js';
import type { DbOrTrx } from './schema.js';
import { toMs, ts } from './sql-time.js';
import { storableJson, storableTextOrNull } from './storable-text.js';

/** returns the run's id */
export async function saveReconciliationReport(db: DbOrTrx, report: ReconciliationReport): Promise<number> {
  const row = await db.insertInto('reconciliation_run').values({
    started_at: ts(report.startedAt),
    finished_at: ts(report.finishedAt),
    ok: report.ok,
    // the broker's symbols and error text: a NUL or lone surrogate must not lose the run
    error: storableTextOrNull(report.error),
    report: storableJson(JSON.stringify(reportToJson(report))),
  }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/** the most recently saved run, or null before the first one */
export async function lastReconciliationReport(db: DbOrTrx): Promise<ReconciliationReport | null> {
  const row = await db.selectFrom('reconciliation_run').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!row) return null;
  return reportFromJson(
    { startedAt: toMs(row.started_at), finishedAt: toMs(row.finished_at), ok: row.ok, error: row.error },
    row.report as unknown as StoredReport,
  );
}
