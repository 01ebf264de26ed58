/**
 * createPipeline: the PipelineControl facade (signals in, trades out, kill switch) over the
 * intake queue, the entry executor, approvals and the emergency stop.
 * Lifecycle: start() reads the account snapshot, decides the signals an earlier process stored as received and left undecided
 * (signal-intake.ts), begins the expiry sweep and the account snapshot refresh (every
 * accountRefreshMs while the supervisor runs, after each entry POST settles and after every exit
 * fill or cancelled entry, throttled so that one read covers a burst) on the injected
 * Clock; stop() ends them and waits for the background submissions in flight (an answered
 * signal's POST is never abandoned mid-way).
 */
import type { Observable, Subscription } from 'rxjs';
import type { EmergencyStopReport, PipelineControl } from './pipeline.types.js';
import { approveSignal, expirePending, rejectSignal, runExpirySweep } from './approvals.js';
import { invalidateSignal } from './invalidate.js';
import { emergencyStop } from '../kill-switch/emergency-stop.js';
import { runQueuedFlatten } from '../kill-switch/flatten.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { PipelineRuntime, type PipelineEvent } from './pipeline-runtime.js';
import { ingestSignal, recoverReceived, whatIf } from './signal-intake.js';
import { answerOf } from './signal-record.js';
import type { SignalAnswer } from '../../domain/signal.js';
import { tradeDetail, tradePage } from './trade-detail.js';
import { performance, performanceDaily, performanceToday } from './performance.js';
import { activeTrades } from './active-trades.js';
import { getSignal, listSignals } from '../../adapters/postgres/index.js';
import type { PositionEvent } from '../../actors/position-supervisor.types.js';
import type { AccountCache } from './account-cache.js';

export type { PipelineDeps } from './pipeline-deps.js';
export type { PipelineEvent } from './pipeline-runtime.js';

export interface KeelPipeline extends PipelineControl {
  readonly events$: Observable<PipelineEvent>;
  emergencyStop(opts: { closePositions: boolean }, cause: string): Promise<EmergencyStopReport>;
  /** the session-open job: carries out a kill switch's flatten queued outside market hours (null = none queued) */
  runQueuedFlatten(cause: string): ReturnType<typeof runQueuedFlatten>;
  /** a signal's decision: awaited while it is still to come in this process, else the stored answer (null: no such signal) */
  decision(id: string): Promise<SignalAnswer | null>;
  /** one expiry pass now (the sweep calls the same) */
  expirePending(): Promise<number>;
  /** the account snapshot cache: the status shows its last read (peek), the equity snapshots ask for a fresh one */
  readonly account: Pick<AccountCache, 'peek' | 'readFresh'>;
  /** resolves once the intake queue and every background submission have settled */
  idle(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

const REREAD_ON: ReadonlySet<PositionEvent['type']> = new Set(['closed', 'cancelled']);

export function createPipeline(deps: PipelineDeps): KeelPipeline {
  const rt = new PipelineRuntime(deps);
  let sweep: { abort: AbortController; done: Promise<void>; fills: Subscription } | null = null;
  return {
    events$: rt.events$,
    account: rt.account,
    ingestSignal: (input) => ingestSignal(rt, input),
    evaluateSignal: (input) => whatIf(rt, input),
    listSignals: (query) => listSignals(deps.db, query),
    getSignal: (id) => getSignal(deps.db, id),
    approveSignal: (id, cause) => approveSignal(rt, id, cause),
    rejectSignal: (id, note, cause) => rejectSignal(rt, id, note, cause),
    invalidateSignal: (id, reason, cause) => invalidateSignal(rt, id, reason, cause),
    listTrades: (query) => tradePage(deps, query),
    getTrade: (id) => tradeDetail(deps, id),
    activeTrades: () => activeTrades(deps),
    emergencyStop: (opts, cause) => emergencyStop(rt, opts, cause),
    performance: (request) => performance(rt, request),
    performanceDaily: (window) => performanceDaily(rt, window),
    performanceToday: (window) => performanceToday(rt, window),
    expirePending: () => expirePending(rt),
    async decision(id) {
      const pending = rt.pendingDecision(id);
      if (pending) return pending;
      const stored = await getSignal(deps.db, id);
      return stored ? answerOf(stored) : null;
    },
    runQueuedFlatten: (cause) => runQueuedFlatten(rt, cause),
    idle: () => rt.idle(),
    start() {
      if (sweep) return;
      const abort = new AbortController();
      // the first signal after a (re)start should not be the one that waits for the account read
      void rt.account.ready();
      rt.track(recoverReceived(rt).catch((error: unknown) => deps.warn?.('deciding the signals left received failed', error)));
      const refresh = rt.account.runPeriodic(deps.accountRefreshMs ?? 5_000, () => deps.supervisor.active, abort.signal);
      // closes and cancels free buying power: re-read (an open is covered by the read after its POST settled)
      const fills = deps.supervisor.events$.subscribe((e) => { if (REREAD_ON.has(e.type)) rt.account.refreshSoon(); });
      sweep = { abort, fills, done: Promise.all([runExpirySweep(rt, abort.signal), refresh]).then(() => undefined) };
    },
    async stop() {
      const running = sweep;
      sweep = null;
      running?.abort.abort();
      running?.fills.unsubscribe();
      rt.account.dispose();
      await running?.done;
      await rt.idle();
    },
  };
}
