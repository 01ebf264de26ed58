/**
 * The control facade of an instance that does NOT hold the writer lease ("one writer
 * per account"): another Keel instance writes to this database; this one only reads it.
 * Invariants:
 *  - nothing here writes: every change (act, halt, patchConfig, setMode, cancelQueuedFlatten) is
 *    refused with ANOTHER_INSTANCE_ACTIVE (409) and leaves no trace, not even a transition_refused entry — the
 *    journal belongs to the writer (the one exception is loadBotConfig's idempotent creation of
 *    the default row on a database that has none, which any instance may do);
 *  - status() is the database's view: the state the writer persisted, reconciled false (this
 *    instance reconciled nothing), no allowed action, readOnly true; the market clock is unknown
 *    (this instance has no broker connection); a flatten the writer queued is shown;
 *  - entryGate() reads 'stopped', so no entry can pass the gate here;
 *  - events$ never carries an event (nothing changes here) and completes on shutdown(); no
 *    reconciliation runs here, so lastReconciledReport() is null;
 *  - health() is ok when the database answers: a standby is healthy at what it does (a probe must
 *    not restart it); the broker part says why it is not connected.
 */
import { Subject } from 'rxjs';
import type { BotConfig } from '../../domain/bot-config.js';
import { etDate } from '../../domain/market-time.js';
import { ZERO } from '../../domain/money.js';
import { stateReasonView } from '../../domain/state-reason.js';
import type { Clock } from '../../ports/clock.port.js';
import type { ControlEvent, EntryGate, KeelBotControl } from '../lifecycle/bot-control.js';
import type { BotStatus, ControlResult, HealthReport } from '../lifecycle/bot-control.types.js';
import { refuse } from '../lifecycle/control-results.js';
import { getDailyStats, lastReconciliationReport, listTrades, loadBotConfig, loadStateRecord, pingDatabase, type Db } from '../../adapters/postgres/index.js';
import { getFlattenQueue } from '../kill-switch/flatten-queue.js';
import { errorText } from '../../lib/error-text.js';

export const ANOTHER_INSTANCE_MESSAGE = 'another Keel instance holds the writer lease on this database; this one is read-only until it stops';

/** BotStatus of a read-only instance: the same fields, plus who writes */
export interface ReadOnlyStatus extends BotStatus {
  readOnly: true;
  writer: 'another instance';
}

export interface ReadOnlyControlDeps {
  db: Db;
  clock: Clock;
}

const refused = <T>(): ControlResult<T> => refuse<T>('ANOTHER_INSTANCE_ACTIVE', ANOTHER_INSTANCE_MESSAGE, { readOnly: true });

export function createReadOnlyControl(deps: ReadOnlyControlDeps): KeelBotControl {
  const { db, clock } = deps;
  const events = new Subject<ControlEvent>();

  async function status(): Promise<ReadOnlyStatus> {
    const now = clock.now();
    const [config, live, stats, flattenQueuedAt, why] = await Promise.all([
      loadBotConfig(db, now), listTrades(db, { statuses: ['open', 'exiting'] }), getDailyStats(db, etDate(now)), getFlattenQueue(db), loadStateRecord(db),
    ]);
    return {
      state: config.state, stateReason: stateReasonView(why.reason, why.detail, why.since), starting: false, mode: config.mode, executionMode: config.executionMode, reconciled: false,
      openPositionCount: live.length, todayRealizedPnl: stats?.realizedPnl ?? ZERO, todayTradeCount: stats?.tradeCount ?? 0,
      marketOpen: null, market: { open: null, nextOpen: null, nextClose: null }, forceCloseAt: null, breaker: stats?.breakerLevel ?? 'none', allowedActions: [], flattenQueuedAt, readOnly: true, writer: 'another instance',
    };
  }

  async function health(): Promise<HealthReport> {
    const database = await pingDatabase(db).then(
      () => ({ ok: true, error: null }),
      (e: unknown) => ({ ok: false, error: errorText(e) }),
    );
    return { ok: database.ok, database, broker: { ok: false, error: `not connected: ${ANOTHER_INSTANCE_MESSAGE}` } };
  }

  return {
    events$: events.asObservable(),
    boot: async () => undefined,
    shutdown: async () => { events.complete(); },
    status,
    act: async () => refused(),
    halt: async () => refused(),
    cancelQueuedFlatten: async () => refused(),
    entryGate: async (): Promise<EntryGate> => ({ state: 'stopped', reconciled: false, marketOpen: null, sessionClose: null }),
    entryGateNow: (): EntryGate => ({ state: 'stopped', reconciled: false, marketOpen: null, sessionClose: null }),
    reconcileNow: async () => ({ ok: false, corrections: 0, error: ANOTHER_INSTANCE_MESSAGE }),
    getConfig: (): Promise<BotConfig> => loadBotConfig(db, clock.now()),
    patchConfig: async () => refused(),
    setMode: async () => refused(),
    lastReconciliation: () => lastReconciliationReport(db),
    lastReconciledReport: () => null,
    health,
  };
}
