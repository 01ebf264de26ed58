/**
 * Runs reconciliation end to end: broker snapshot → pure findings → ONE transaction applying them
 * (a journal entry per correction) with the report saved and journaled alongside.
 * Invariants: runs are serialized (two concurrent runs would both import the same position);
 * a failed run changes no trade — it only records a failed report and a reconciliation_failed entry;
 * the report of every run, good or bad, is what lastReport() answers.
 */
import { reconcile } from '../../core/reconcile/reconcile.js';
import { BrokerError } from '../../domain/broker-error.js';
import type { ReconciliationReport } from '../../domain/reconciliation.js';
import { LIVE_TRADE_STATUSES } from '../../domain/trade.js';
import type { BrokerPort } from '../../ports/broker.port.js';
import type { Clock } from '../../ports/clock.port.js';
import { applyFindings } from './apply-findings.js';
import { gatherBrokerSnapshot } from './broker-snapshot.js';
import { appendJournal, lastReconciliationReport, listTrades, saveReconciliationReport, type Db } from '../../adapters/postgres/index.js';
import { errorText } from '../../lib/error-text.js';
import { SerialQueue } from '../../lib/serial-queue.js';

export interface ReconcileOutcome {
  report: ReconciliationReport;
  /** the failure was the broker's (unreachable, no adapter for the mode), not ours */
  brokerFailure: boolean;
}

export class NoBrokerError extends Error {
  constructor() { super('no broker adapter is configured for the current mode'); this.name = 'NoBrokerError'; }
}

export interface ReconciliationService {
  run(cause: string): Promise<ReconcileOutcome>;
  lastReport(): Promise<ReconciliationReport | null>;
  /** resolves when no run is in flight */
  idle(): Promise<void>;
}

export function createReconciliationService(deps: { db: Db; clock: Clock; broker: () => BrokerPort | null }): ReconciliationService {
  const { db, clock } = deps;
  const runs = new SerialQueue();
  let last: ReconciliationReport | null = null;

  async function runOnce(cause: string): Promise<ReconcileOutcome> {
    const startedAt = clock.now();
    try {
      const broker = deps.broker();
      if (!broker) throw new NoBrokerError();
      const trades = await listTrades(db, { statuses: LIVE_TRADE_STATUSES });
      const snapshot = await gatherBrokerSnapshot(broker, trades);
      const findings = reconcile(trades, snapshot);
      const report: ReconciliationReport = {
        startedAt, finishedAt: clock.now(), ok: true, error: null, findings,
        journalLiveTrades: trades.length, brokerPositions: snapshot.positions.length, brokerOpenOrders: snapshot.openOrders.length,
      };
      await db.transaction().execute(async (trx) => {
        const now = clock.now();
        await applyFindings(trx, findings, trades, now);
        await saveReconciliationReport(trx, report);
        await appendJournal(trx, {
          kind: 'reconciliation_completed', cause, message: `reconciled: ${findings.length} finding(s)`,
          data: { findings: findings.map((f) => f.kind), journalLiveTrades: report.journalLiveTrades, brokerPositions: report.brokerPositions },
        }, now);
      });
      last = report;
      return { report, brokerFailure: false };
    } catch (error) {
      const message = errorText(error);
      const report: ReconciliationReport = {
        startedAt, finishedAt: clock.now(), ok: false, error: message, findings: [], journalLiveTrades: 0, brokerPositions: 0, brokerOpenOrders: 0,
      };
      last = report;
      await recordFailure(report, cause);
      return { report, brokerFailure: error instanceof BrokerError || error instanceof NoBrokerError };
    }
  }

  async function recordFailure(report: ReconciliationReport, cause: string): Promise<void> {
    try {
      await db.transaction().execute(async (trx) => {
        await saveReconciliationReport(trx, report);
        await appendJournal(trx, { kind: 'reconciliation_failed', cause, message: `reconciliation failed: ${report.error}`, data: {} }, clock.now());
      });
    } catch {
      // the database is down too: the in-memory report still answers lastReport()
    }
  }

  return {
    run(cause) {
      return runs.run(() => runOnce(cause));
    },
    async lastReport() {
      return last ?? lastReconciliationReport(db);
    },
    async idle() {
      await runs.idle();
    },
  };
}
