/**
 * createBotControl: the control facade (bot-control.types.ts) over the lifecycle machine,
 * reconciliation and the repositories.
 * Invariants:
 *  - actions are serialized; a refused one changes nothing but a transition_refused journal entry;
 *  - an accepted one is persisted (bot_config + journal, one transaction) before act() resolves;
 *  - start and a restored 'running' pass through reconciliation first; boot never waits for the
 *    broker: a failed reconciliation retries with backoff on the injected Clock until shutdown;
 *  - the machine's context is the truth about reconciliation: whether the account is reconciled
 *    and why the last start failed; the runs beside the machine (boot, reconcileNow, after a mode
 *    switch) report their outcome to it as events;
 *  - the mode changes only while stopped with no live trade, live only with confirm and credentials:
 *    the machine's SWITCH_MODE, which it accepts in stopped only;
 *  - a patch that changed something announces the saved config ({type:'config'}) after it is
 *    committed, so the running parts (the position supervisor's exits) follow without a restart;
 *  - while a kill switch's flatten is queued, start and resume are refused (kill-switch/flatten-queue.ts);
 *  - every successful reconciliation is announced ({type:'reconciled'}) AND that announcement is
 *    kept (lastReconciledReport), so a subscriber that arrives after the boot run still sees it; the
 *    report holds Decimals, so it stays out of the machine's data-only context.
 */
import { Subject, type Observable } from 'rxjs';
import { createActor, waitFor, type Actor } from 'xstate';
import { SerialQueue } from '../../lib/serial-queue.js';
import type { InspectionObserver } from '../../ports/inspection.port.js';
import { forceCloseWhileOpen } from '../../core/calendar/force-close.js';
import type { MarketClock } from '../../domain/account.js';
import type { BotConfig, BotSettings, BotState, TradingModeName } from '../../domain/bot-config.js';
import { etDate } from '../../domain/market-time.js';
import { ZERO } from '../../domain/money.js';
import type { ReconciliationReport } from '../../domain/reconciliation.js';
import { stateReasonView } from '../../domain/state-reason.js';
import { botMachine, isSettling, isStarting, ReconcileFailedError, reportedState, type BotEvent, type BotSnapshot } from '../../machines/bot.machine.js';
import type { BrokerPort } from '../../ports/broker.port.js';
import type { Clock, Random } from '../../ports/clock.port.js';
import { BOT_ACTIONS, type BotAction, type BotControl, type BotStatus, type CancelledFlatten, type ControlResult, type EntryGate, type MarketView } from './bot-control.types.js';
import { probeHealth } from './health-probe.js';
import { ACTION_TARGET, actionEvent, ok, refuse } from './control-results.js';
import { persistEffect, reconcileEffect, switchModeEffect } from './lifecycle-effects.js';
import { createMarketClockCache, gateClock } from './market-clock.cache.js';
import { appendJournal, getDailyStats, listTrades, loadBotConfig, loadStateRecord, type Db } from '../../adapters/postgres/index.js';
import { BLOCKED_BY_QUEUED_FLATTEN, cancelFlatten, getFlattenQueue, nothingQueued, refuseWhileFlattenQueued } from '../kill-switch/flatten-queue.js';
import { reconcileUntilSuccess, type RetryPolicy } from '../reconcile/reconcile-retry.js';
import { createReconciliationService } from '../reconcile/reconciliation.service.js';
import { patchSettings } from './settings-patch.js';

export interface BotControlDeps {
  db: Db;
  clock: Clock;
  /** the current mode's broker; null when that mode has no adapter */
  broker: () => BrokerPort | null;
  /** builds the adapters for `mode`; false when that mode has no credentials */
  switchBroker: (mode: TradingModeName) => boolean | Promise<boolean>;
  random: Random;
  reconcileRetry: RetryPolicy;
  marketClockTtlMs?: number;
  healthTimeoutMs?: number;
  /** watches the bot's actor (the inspector); absent: not observed */
  inspect?: InspectionObserver;
}

export type { EntryGate };

export type ControlEvent =
  /** `cause`: the run's — 'startup' (boot, a restored running too), a start's own cause, 'mode_change', or reconcileNow's (the health job: 'health_check') */
  | { type: 'reconciled'; report: ReconciliationReport; cause: string }
  | { type: 'reconcile_failed'; report: ReconciliationReport; retryInMs: number | null }
  | { type: 'state'; state: BotState }
  /** a PATCH changed the settings (committed); `changed` names the keys that differ */
  | { type: 'config'; config: BotConfig; changed: (keyof BotSettings)[] };

export interface KeelBotControl extends BotControl {
  /** what happened, for tests and the (future) dashboard stream: await an event, never sleep */
  readonly events$: Observable<ControlEvent>;
  /** breakers and fatal faults (safety issue): any state → halted, persisted before it resolves */
  halt(reason: string, cause: string): Promise<ControlResult<BotStatus>>;
  /** what an entry decision needs of the bot, from memory (no database read: docs/benchmarks.md, B6b) */
  entryGate(): Promise<EntryGate>;
  /** the same, only when it needs no broker read (null: the market clock's cache has lapsed) */
  entryGateNow(): EntryGate | null;
  /** one reconciliation now (the health job after a mismatch); its report is persisted and announced */
  reconcileNow(cause: string): Promise<{ ok: boolean; corrections: number; error: string | null }>;
  /**
   * the last SUCCESSFUL reconciliation this facade ran, from memory, with its cause; null before the
   * first one finished. Unlike lastReconciliation() never an earlier process's report (the database
   * fallback): a subscriber of events$ that arrived after the boot run reads the boot report here.
   */
  lastReconciledReport(): { report: ReconciliationReport; cause: string } | null;
}

export function createBotControl(deps: BotControlDeps): KeelBotControl {
  const { db, clock } = deps;
  const events = new Subject<ControlEvent>();
  const shutdownController = new AbortController();
  const reconciler = createReconciliationService(deps);
  const marketClock = createMarketClockCache(clock, deps.broker, deps.marketClockTtlMs);
  let actor: Actor<typeof botMachine> | null = null;
  let background: Promise<unknown> | null = null;
  const serial = new SerialQueue();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => serial.run(work);
  let lastReconciled: { report: ReconciliationReport; cause: string } | null = null;
  const reconciled = (): boolean => actor?.getSnapshot().context.reconciled ?? false;

  /**
   * one run; a failure is announced here only when nobody retries it (the retry loop announces its own).
   * `beside`: a run outside the machine's `starting` (whose onDone / onError record their own), told
   * to the machine BEFORE it is announced, so a listener reading the status sees the outcome.
   */
  async function reconcileOnce(cause: string, beside: boolean, announceFailure = true) {
    const outcome = await reconciler.run(cause);
    if (beside && actor?.getSnapshot().status === 'active') actor.send({ type: outcome.report.ok ? 'RECONCILED' : 'RECONCILE_FAILED', cause });
    if (outcome.report.ok) {
      lastReconciled = { report: outcome.report, cause };
      events.next({ type: 'reconciled', report: outcome.report, cause });
    } else if (announceFailure) events.next({ type: 'reconcile_failed', report: outcome.report, retryInMs: null });
    return outcome;
  }

  const retrying = (cause: string, signal: AbortSignal, beside: boolean) => reconcileUntilSuccess({
    clock, random: deps.random, policy: deps.reconcileRetry,
    run: () => reconcileOnce(cause, beside, false),
    onRetry: (report, delay) => events.next({ type: 'reconcile_failed', report, retryInMs: delay }),
    done: reconciled,
  }, signal);

  /** keeps reconciling in the background until it succeeds (boot, a mode switch) */
  function ensureBackgroundReconcile(cause: string): void {
    if (background || reconciled()) return;
    background = retrying(cause, shutdownController.signal, true).catch(() => undefined).finally(() => { background = null; });
  }

  const machine = botMachine.provide({
    actors: {
      persist: persistEffect(db, clock),
      reconcile: reconcileEffect(
        async (cause) => {
          const outcome = await reconcileOnce(cause, false);
          if (!outcome.report.ok) throw new ReconcileFailedError(outcome.report.error ?? 'reconciliation failed', outcome.brokerFailure);
        },
        async (cause, signal) => { await retrying(cause, AbortSignal.any([signal, shutdownController.signal]), false); },
      ),
      switchMode: switchModeEffect(db, clock, deps.switchBroker),
    },
  });

  const snapshot = (): BotSnapshot => {
    if (!actor) throw new Error('BotControl: boot() has not run');
    return actor.getSnapshot();
  };

  const allowedActions = (snap: BotSnapshot): BotAction[] => BOT_ACTIONS.filter((a) => snap.can(actionEvent(a, 'probe')));

  async function status(): Promise<BotStatus> {
    const snap = snapshot();
    const now = clock.now();
    const [config, live, stats, brokerClock, flattenQueuedAt, why] = await Promise.all([
      loadBotConfig(db, now), listTrades(db, { statuses: ['open', 'exiting'] }), getDailyStats(db, etDate(now)), marketClock.read(), getFlattenQueue(db), loadStateRecord(db),
    ]);
    const market = marketView(brokerClock);
    const allowed = allowedActions(snap).filter((a) => flattenQueuedAt === null || !BLOCKED_BY_QUEUED_FLATTEN.has(a));
    return {
      state: reportedState(snap), stateReason: stateReasonView(why.reason, why.detail, why.since), starting: isStarting(snap), mode: config.mode, executionMode: config.executionMode,
      reconciled: snap.context.reconciled, openPositionCount: live.length, todayRealizedPnl: stats?.realizedPnl ?? ZERO, todayTradeCount: stats?.tradeCount ?? 0,
      marketOpen: market.open, market, forceCloseAt: forceCloseWhileOpen(market.open, market.nextClose, config.eodForceCloseTime),
      breaker: stats?.breakerLevel ?? 'none', allowedActions: allowed, flattenQueuedAt,
    };
  }

  async function transition(event: BotEvent, action: string, target: BotState): Promise<ControlResult<BotStatus>> {
    const current = actor;
    if (!current) throw new Error('BotControl: boot() has not run');
    const before = current.getSnapshot();
    if (!before.can(event)) {
      const state = reportedState(before);
      const allowed = allowedActions(before);
      await appendJournal(db, { kind: 'transition_refused', cause: event.cause, message: `${action} refused in ${state}`, data: { state, allowed, starting: before.matches('starting') } }, clock.now());
      const why = before.matches('starting') ? ' (it is starting: waiting for reconciliation)' : '';
      return refuse('INVALID_TRANSITION', `cannot ${action} while ${state}${why}; allowed: ${allowed.join(', ') || 'none'}`, { state, allowed });
    }
    current.send(event);
    const after = await waitFor(current, (s) => !isSettling(s));
    if (reportedState(after) === target) return ok(await status());
    // START clears it: a failure here is this start's
    const failure = after.context.lastStartFailure;
    if (event.type === 'START' && failure) {
      return refuse(failure.brokerFailure ? 'BROKER_UNREACHABLE' : 'NOT_RECONCILED', `cannot start: reconciliation failed: ${failure.message}`, { state: reportedState(after) });
    }
    // persisting failed: the machine stayed where it was; the caller (HTTP onError) answers 500
    throw new Error(`BotControl: ${action} failed: ${after.context.lastError ?? 'unknown failure'}`);
  }

  return {
    events$: events.asObservable(),

    async boot() {
      const config = await loadBotConfig(db, clock.now());
      await appendJournal(db, { kind: 'startup', cause: 'startup', message: `booting; persisted state ${config.state}, mode ${config.mode}`, data: { state: config.state, mode: config.mode } }, clock.now());
      actor = createActor(machine, { input: { restored: config.state }, id: 'bot', ...(deps.inspect ? { inspect: deps.inspect } : {}) });
      let announced: BotState | null = null;
      actor.subscribe((snap) => {
        if (isSettling(snap)) return;
        const state = reportedState(snap);
        if (state !== announced) events.next({ type: 'state', state });
        announced = state;
      });
      actor.start();
      // 'running' reconciles inside the machine (starting, restoring); every other state here
      if (config.state !== 'running') ensureBackgroundReconcile('startup');
    },

    async shutdown() {
      shutdownController.abort(new Error('shutting down'));
      actor?.stop();
      await background;
      await reconciler.idle();
      await serial.idle();
      await appendJournal(db, { kind: 'shutdown', cause: 'shutdown', message: 'control shut down', data: {} }, clock.now()).catch(() => undefined);
      events.complete();
    },

    status: () => status(),

    reconcileNow: (cause) => exclusive(async () => {
      const { report } = await reconcileOnce(cause, true);
      return { ok: report.ok, corrections: report.findings.length, error: report.error ?? null };
    }),

    entryGate: async () => ({ state: reportedState(snapshot()), reconciled: reconciled(), ...gateClock(await marketClock.read()) }),
    entryGateNow: () => { const cached = marketClock.peek(); return cached ? { state: reportedState(snapshot()), reconciled: reconciled(), ...gateClock(cached.value) } : null; },

    act: (action, cause, detail) => exclusive(async () => {
      const event = actionEvent(action, cause, detail);
      const snap = snapshot();
      // only a start/resume the state allows is checked: a forbidden one answers INVALID_TRANSITION
      const blocked = BLOCKED_BY_QUEUED_FLATTEN.has(action) && snap.can(event)
        ? await refuseWhileFlattenQueued<BotStatus>(db, clock.now(), action, cause, reportedState(snap), allowedActions(snap)) : null;
      return blocked ?? transition(event, action, ACTION_TARGET[action]);
    }),

    cancelQueuedFlatten: (cause, reason) => exclusive(async (): Promise<ControlResult<CancelledFlatten>> => {
      const now = clock.now();
      const queuedAt = await db.transaction().execute((trx) => cancelFlatten(trx, now, cause, reason));
      if (queuedAt === null) return nothingQueued();
      return ok({ queuedAt, cancelledAt: now, reason, status: await status() });
    }),

    halt: (reason, cause) => exclusive(() => transition({ type: 'HALT', reason, cause }, 'halt', 'halted')),

    getConfig: () => loadBotConfig(db, clock.now()),

    patchConfig: (patch, cause) => exclusive(async () => {
      const { saved, changed } = await patchSettings(db, patch, cause, clock.now());
      if (changed.length > 0) events.next({ type: 'config', config: saved, changed });
      return ok(saved);
    }),

    setMode: (mode, confirm, cause) => exclusive(async () => {
      const current = actor;
      if (!current) throw new Error('BotControl: boot() has not run');
      const snap = current.getSnapshot();
      const config = await loadBotConfig(db, clock.now());
      const live = await listTrades(db, { statuses: ['pending_entry', 'open', 'exiting'] });
      if (live.length > 0) return refuse<BotStatus>('OPEN_POSITIONS', `cannot switch to ${mode}: ${live.length} trade(s) pending or open`, { openTrades: live.length });
      const event: BotEvent = { type: 'SWITCH_MODE', cause, from: config.mode, to: mode };
      if (!snap.can(event)) {
        const state = reportedState(snap);
        return refuse<BotStatus>('INVALID_TRANSITION', `stop the bot before switching mode (it is ${state}${snap.matches('starting') ? ', starting' : ''})`, { state, allowed: allowedActions(snap) });
      }
      if (mode === config.mode) return ok(await status());
      if (mode === 'live' && confirm !== 'live') return refuse<BotStatus>('CONFIRMATION_REQUIRED', 'switching to live trading needs "confirm": "live"');
      current.send(event);
      const failure = (await waitFor(current, (s) => !isSettling(s))).context.lastSwitchFailure;
      if (failure?.unavailable) return refuse<BotStatus>('LIVE_CREDENTIALS_MISSING', failure.message);
      // writing the mode failed (the old broker is back): the caller (HTTP onError) answers 500
      if (failure) throw new Error(`BotControl: switching to ${mode} failed: ${failure.message}`);
      marketClock.clear();
      const outcome = await reconcileOnce('mode_change', true);
      if (!outcome.report.ok) ensureBackgroundReconcile('mode_change');
      return ok(await status());
    }),

    lastReconciliation: () => reconciler.lastReport(),

    lastReconciledReport: () => lastReconciled,

    health: () => probeHealth(db, clock, deps.broker, deps.healthTimeoutMs ?? 3_000),
  };
}

function marketView(clock: MarketClock | null): MarketView {
  return clock ? { open: clock.isOpen, nextOpen: clock.nextOpen, nextClose: clock.nextClose } : { open: null, nextOpen: null, nextClose: null };
}
