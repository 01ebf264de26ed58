/**
 * The health job: every 5 minutes of the injected clock, Keel's live trades vs the
 * broker's positions vs the live position actors (health-compare.ts decides). Mismatches are
 * journaled, reconciled and notified. It also publishes the symbols with an open SELL order at the
 * broker, which the risk gateway's wash-trade check reads, and hands the open orders to the
 * supervisor, whose protected positions re-check a protective stop that is not among them.
 * Invariants:
 *  - a mismatch counts only if two snapshots taken back to back both show it (a fill landing
 *    between the broker read and the database read is not a mismatch); the second snapshot is
 *    read only when the first shows something, so a healthy run costs one positions request;
 *  - every confirmed mismatch is journaled (subject: its trade or symbol) BEFORE reconciliation
 *    runs, so it is on record even if reconciling fails; then ONE reconcile(cause 'health_check')
 *    and ONE notification saying what was found and what reconciliation did;
 *  - the open-sell symbols are published on every run whose order read succeeds, whatever the
 *    comparison finds; a failed read keeps the last published set (and says so via onError);
 *  - no broker adapter for the mode: nothing is compared;
 *  - runs are serialized, in call order.
 */
import { PeriodicJob } from '../jobs/periodic-job.js';
import type { SupervisorProtection } from '../../actors/position-supervisor.types.js';
import { compareHealth, confirmMismatches, describeMismatch, type HealthMismatch, type HealthSnapshot } from '../../core/safety/health-compare.js';
import type { JournalInput } from '../../domain/journal.js';
import type { Order } from '../../domain/order.js';
import { LIVE_TRADE_STATUSES } from '../../domain/trade.js';
import type { BrokerPort } from '../../ports/broker.port.js';
import type { Clock } from '../../ports/clock.port.js';
import type { NotifierPort } from '../../ports/notifier.port.js';
import { appendJournalEntries, listTrades, type Db } from '../../adapters/postgres/index.js';
import { errorText } from '../../lib/error-text.js';

export const HEALTH_EVERY_MS = 5 * 60_000;

/** what the injected reconciliation reports back (the bot control runs it) */
export interface HealthReconcileResult {
  ok: boolean;
  /** findings applied */
  corrections: number;
  error: string | null;
}

export interface HealthJobDeps {
  db: Db;
  clock: Clock;
  notifier: NotifierPort;
  broker: () => Pick<BrokerPort, 'listPositions' | 'listAllOrders'> | null;
  /** actors are compared only while `active` */
  supervisor: { readonly active: boolean } & Pick<SupervisorProtection, 'trackedTradeIds'> & Partial<Pick<SupervisorProtection, 'verifyStops'>>;
  reconcile(cause: string): Promise<HealthReconcileResult>;
  /** optional: without a taker the open-orders read is skipped (the service's wash-trade check reads
   *  the trade stream's gate, which already follows every open order of the account) */
  onOpenSellSymbols?(symbols: ReadonlySet<string>): void;
  /** default HEALTH_EVERY_MS */
  everyMs?: number;
  onError(message: string, error: unknown): void;
  onRun?(report: HealthReport): void;
}

export type HealthReport =
  | { ran: false; why: 'no_broker' }
  | {
    ran: true; mismatches: HealthMismatch[]; reconciled: HealthReconcileResult | null; openSellSymbols: ReadonlySet<string> | null;
    /** trades whose protective stop was not among the broker's open orders: each re-checks it (re-placed when missing) */
    stopsRechecked: string[];
  };

const CAUSE = 'health';

export class HealthJob {
  private readonly job: PeriodicJob<HealthReport>;

  constructor(private readonly deps: HealthJobDeps) {
    this.job = new PeriodicJob<HealthReport>({
      clock: this.deps.clock, everyMs: () => this.deps.everyMs ?? HEALTH_EVERY_MS, run: () => this.run(),
      onRun: (r) => this.deps.onRun?.(r), onError: (m, e) => this.deps.onError(m, e), name: 'health job',
    });
  }

  /** runs every period (the first after one period) until stop() or the signal aborts */
  start(signal?: AbortSignal): void {
    this.job.start(signal);
  }

  /** stops the timer and waits for a run in progress */
  stop(): Promise<void> {
    return this.job.stop();
  }

  /** one run now, after any in progress */
  runOnce(): Promise<HealthReport> {
    return this.job.runOnce();
  }

  private async run(): Promise<HealthReport> {
    const broker = this.deps.broker();
    if (!broker) return { ran: false, why: 'no_broker' };
    const { supervisor } = this.deps;
    const verifyStops = supervisor.active ? supervisor.verifyStops?.bind(supervisor) : undefined;
    const open = this.deps.onOpenSellSymbols || verifyStops ? await this.openOrders(broker) : null;
    let openSellSymbols: ReadonlySet<string> | null = null;
    if (open && this.deps.onOpenSellSymbols) {
      openSellSymbols = new Set(open.filter((o) => o.side === 'sell').map((o) => o.symbol));
      this.deps.onOpenSellSymbols(openSellSymbols);
    }
    // a protective stop not among the open orders (expired, cancelled at the broker, never placed):
    // its actor re-reads it and places a new one, journaled (no extra request when all are there)
    const stopsRechecked = open && verifyStops ? verifyStops(new Set(open.map((o) => o.id))) : [];
    const first = compareHealth(await this.snapshot(broker));
    const mismatches = first.length === 0 ? [] : confirmMismatches(first, compareHealth(await this.snapshot(broker)));
    if (mismatches.length === 0) return { ran: true, mismatches, reconciled: null, openSellSymbols, stopsRechecked };

    const { db, clock } = this.deps;
    await appendJournalEntries(db, mismatches.map(mismatchEntry), clock.now());
    const reconciled = await this.deps.reconcile('health_check').catch((error: unknown): HealthReconcileResult => ({
      ok: false, corrections: 0, error: errorText(error),
    }));
    const outcome = reconciled.ok ? `reconciled: ${reconciled.corrections} correction(s)` : `reconciliation FAILED: ${reconciled.error ?? 'unknown error'}`;
    const lines = mismatches.map(describeMismatch);
    this.deps.notifier.notify({
      kind: 'health_mismatch', severity: reconciled.ok ? 'warning' : 'critical',
      title: `Health check: ${mismatches.length} mismatch(es) between Keel and the broker`,
      text: `${lines.slice(0, 3).join('; ')}${lines.length > 3 ? `; and ${lines.length - 3} more` : ''}. ${outcome}.`,
      at: clock.now(), key: `health_mismatch:${clock.now()}`,
      data: { mismatches: mismatches.map((m) => ({ kind: m.kind, key: m.key })), reconciled },
    });
    return { ran: true, mismatches, reconciled, openSellSymbols, stopsRechecked };
  }

  /** broker first, then the journal, then the actors (health-compare.ts: why two snapshots) */
  private async snapshot(broker: Pick<BrokerPort, 'listPositions'>): Promise<HealthSnapshot> {
    const positions = await broker.listPositions();
    const trades = await listTrades(this.deps.db, { statuses: LIVE_TRADE_STATUSES });
    const { supervisor } = this.deps;
    return { positions, trades, tracked: supervisor.active ? new Set(supervisor.trackedTradeIds()) : null };
  }

  private async openOrders(broker: Pick<BrokerPort, 'listAllOrders'>): Promise<Order[] | null> {
    try {
      return await broker.listAllOrders({ status: 'open' });
    } catch (error) {
      this.deps.onError('health job: listing open orders failed; the open-sell symbols stay as last published and the protective stops are not checked', error);
      return null;
    }
  }
}

function mismatchEntry(m: HealthMismatch): JournalInput {
  const subject = 'tradeId' in m ? m.tradeId : m.symbol;
  return {
    kind: 'warning', cause: CAUSE, subject, message: `health check: ${describeMismatch(m)}; reconciling`,
    data: { event: 'health_mismatch', ...m },
  };
}
