/**
 * The safety layer's background work while this instance writes: the circuit
 * breakers observe every account snapshot, the daily reset runs before the open, a kill switch's
 * flatten queued outside market hours runs at the open, the position watchdog (every 5 s by
 * default), the stream-gap monitor (every 2 s: fills by REST while the trade stream is down, a
 * notice when the gap lasts) and the health job (every 5 min by default; the periods come from
 * `timing`, config/safety-settings.ts) guard what goes wrong silently, the win-rate guard judges
 * the latest closed trades whenever one closes, and trading events become notifications.
 * Invariants: safety acts through the control with the cause `safety:<reason>` (persisted as
 * bot_config.state_reason, so a restart knows a breaker pause from the trader's); nothing here
 * throws into trading (failures are warned); started and stopped with the writer role.
 */
import type { MetricsPort } from '../ports/metrics.port.js';
import { scheduleNyCron, type NyCronJob } from '../lib/ny-cron.js';
import type { Subscription } from 'rxjs';
import { loadBotConfig, loadStateReason } from '../adapters/postgres/index.js';
import type { Db } from '../adapters/postgres/schema.js';
import type { PositionSupervisor, SupervisorProtection } from '../actors/position-supervisor.types.js';
import { HealthJob } from '../control/safety/health-job.js';
import { PositionWatchdog } from '../control/safety/watchdog.js';
import { StreamGapMonitor, type StreamGapReport, type StreamGapSettings } from '../control/safety/stream-gap-monitor.js';
import type { BrokerPort } from '../ports/broker.port.js';
import { isRegularSessionOpen, marketClockAt } from '../core/calendar/nyse-calendar.js';
import { nyseSession } from '../control/safety/nyse-session.js';
import type { KeelBotControl } from '../control/lifecycle/bot-control.js';
import { SAFETY_CAUSE } from '../control/lifecycle/lifecycle-effects.js';
import type { KeelPipeline } from '../control/pipeline/signal-service.js';
import { BreakerMonitor } from '../control/safety/breaker-monitor.js';
import { DailyResetScheduler } from '../control/safety/daily-reset.js';
import { WinRateGuard } from '../control/safety/win-rate-guard.js';
import type { SafetyActions } from '../control/safety/safety-actions.js';
import type { Account } from '../domain/account.js';
import type { BotSettings } from '../domain/bot-config.js';
import type { Notification } from '../domain/notification.js';
import type { Clock } from '../ports/clock.port.js';
import type { NotifierPort } from '../ports/notifier.port.js';
import { DEFAULT_SAFETY_SETTINGS, type SafetySettings } from '../config/safety-settings.js';
import { reconcileNotice } from './reconcile-notices.js';
import type { ReconciliationReport } from '../domain/reconciliation.js';

export interface SafetyJobsDeps {
  db: Db;
  clock: Clock;
  control: KeelBotControl;
  pipeline: Pick<KeelPipeline, 'runQueuedFlatten' | 'events$'>;
  supervisor: Pick<PositionSupervisor, 'events$' | 'unrealizedPnl' | 'active' | 'streamGate'> & SupervisorProtection;
  broker: () => BrokerPort | null;
  notifier: NotifierPort;
  warn: (message: string, error?: unknown) => void;
  /** default true: the wall-clock cron jobs (tests drive runs by hand) */
  cron?: boolean;
  /** the jobs' timing from the environment (config/safety-settings.ts); default DEFAULT_SAFETY_SETTINGS */
  timing?: SafetySettings;
  /** default DEFAULT_STREAM_GAP_SETTINGS, notifyAfterMs from `timing` */
  streamGap?: Partial<StreamGapSettings>;
  /** drawdown, breaker level and today's realized P&L, from each breaker observation (default: none) */
  metrics?: Pick<MetricsPort, 'drawdown' | 'breakerLevel' | 'realizedPnlToday'>;
  /** every check of the stream-gap monitor (logging, tests) */
  onStreamGapCheck?(report: StreamGapReport): void;
}

export interface SafetyJobs {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** an account snapshot (PipelineDeps.onAccount) */
  observeAccount(account: Account): void;
}

export function safetyActionsOver(control: KeelBotControl, db: Db): SafetyActions {
  const refused = (what: string, r: Awaited<ReturnType<KeelBotControl['act']>>) => {
    if (!r.ok) throw new Error(`${what} refused: ${r.error.message}`);
  };
  return {
    async current() {
      const [status, why] = await Promise.all([control.status(), loadStateReason(db)]);
      return { state: status.state, reason: why.reason };
    },
    async pause(reason, detail) { refused('pause', await control.act('pause', `${SAFETY_CAUSE}${reason}`, detail)); },
    async halt(reason, detail) { refused('halt', await control.halt(detail, `${SAFETY_CAUSE}${reason}`)); },
    async resume(cause) { refused('resume', await control.act('resume', cause)); },
  };
}

export function createSafetyJobs(deps: SafetyJobsDeps): SafetyJobs {
  const { db, clock, warn } = deps;
  let settings: BotSettings | null = null;
  const latest = (): BotSettings => {
    if (!settings) throw new Error('safety jobs: settings not loaded');
    return settings;
  };
  const actions = safetyActionsOver(deps.control, db);
  const monitor = new BreakerMonitor({ db, clock, actions, notifier: deps.notifier, settings: latest, session: nyseSession });
  const winRate = new WinRateGuard({ db, clock, actions, notifier: deps.notifier, settings: latest });
  const tradeClosed = () => { winRate.tradeClosed().catch((error: unknown) => warn('win-rate check failed', error)); };
  const reset = new DailyResetScheduler({
    db, clock, actions, settings: latest, session: nyseSession, notifier: deps.notifier, cron: deps.cron ?? true,
    onError: (message, error) => warn(message, error),
  });
  const timing = deps.timing ?? DEFAULT_SAFETY_SETTINGS;
  const watchdog = new PositionWatchdog({
    db, clock, notifier: deps.notifier, supervisor: deps.supervisor, actions, onError: (m, e) => warn(m, e),
    settings: { checkEveryMs: timing.watchdogCheckSec * 1_000, staleAfterMs: timing.priceStaleSec * 1_000, escalateAfter: timing.watchdogEscalateAfter },
  });
  const streamGap = new StreamGapMonitor({
    db, clock, notifier: deps.notifier, supervisor: deps.supervisor, actions, settings: { notifyAfterMs: timing.streamGapNotifySec * 1_000, ...deps.streamGap },
    onError: (m, e) => warn(m, e), onCheck: deps.onStreamGapCheck,
  });
  const health = new HealthJob({
    db, clock, notifier: deps.notifier, broker: deps.broker, supervisor: deps.supervisor,
    reconcile: (cause) => deps.control.reconcileNow(cause), everyMs: timing.healthCheckMin * 60_000,
    onError: (m, e) => warn(m, e),
  });
  let subs: Subscription[] = [];
  let openJob: NyCronJob | null = null;
  let openTimer: AbortController | null = null;
  let running = false;

  const flattenAtOpen = async () => {
    try {
      const report = await deps.pipeline.runQueuedFlatten('session-open');
      if (report) notify({ kind: 'kill_switch', severity: 'critical', title: 'Queued flatten carried out at the open', text: `flatten ${report.flatten}: ${report.closed.length} closed, ${report.left.length} left`, data: { flatten: report.flatten } });
    } catch (error) {
      warn('the queued flatten at the open failed', error);
    }
  };

  const atEachOpen = async (signal: AbortSignal) => {
    try {
      for (;;) {
        const now = clock.now();
        await clock.sleep(Math.max(0, marketClockAt(now).nextOpen - now), signal);
        await flattenAtOpen();
      }
    } catch (error) {
      if (!signal.aborted) warn('the flatten-at-open timer failed', error);
    }
  };

  // reconciliation corrections: each report once, the boot run's included
  let lastReconcileKey: string | null = null;
  const onReconciled = (report: ReconciliationReport, cause: string) => {
    if (cause === 'health_check') return; // the health job notifies what its reconciliation found
    const n = reconcileNotice(report, clock.now());
    if (!n || n.key === lastReconcileKey) return;
    lastReconcileKey = n.key;
    deps.notifier.notify(n);
  };

  const notify = (n: Omit<Notification, 'at' | 'key'> & { key?: string }) => {
    const at = clock.now();
    deps.notifier.notify({ ...n, at, key: n.key ?? `${n.kind}:${at}` });
  };

  return {
    async start() {
      if (running) return;
      running = true;
      settings = await loadBotConfig(db, clock.now());
      subs = [
        deps.control.events$.subscribe((e) => {
          if (e.type === 'config') settings = e.config;
          if (e.type === 'reconciled') onReconciled(e.report, e.cause);
          if (e.type === 'reconciled' && e.report.findings.some((f) => f.kind === 'closed_at_broker')) tradeClosed();
          if (e.type === 'state' && e.state === 'halted') notify({ kind: 'halt', severity: 'critical', title: 'Keel is HALTED', text: 'no new entries; exits continue. Acknowledge the halt, then start.', data: {} });
        }),
        deps.supervisor.events$.subscribe((e) => {
          if (e.type === 'closed') tradeClosed();
          if (e.type === 'opened') notify({ kind: 'entry_filled', severity: 'info', key: `opened:${e.tradeId}`, title: `Entry ${e.symbol}: ${e.shares} @ ${e.entryPrice}`, text: `trade ${e.tradeId} is open`, data: { ...e } });
          else if (e.type === 'closed') notify({ kind: 'exit_filled', severity: 'info', key: `closed:${e.tradeId}`, title: `Exit ${e.symbol}: ${e.reason}, P&L ${e.pnl}`, text: `exit price ${e.exitPrice}`, data: { ...e } });
          else if (e.type === 'exit_gave_up') notify({ kind: 'exit_stuck', severity: 'critical', key: `exit_stuck:${e.tradeId}`, title: `Exit ${e.symbol} cannot complete`, text: `trade ${e.tradeId} stays exiting: ${e.reason}. The position is still at the broker; see GET /api/bot/status (stuckExits).`, data: { ...e } });
          else if (e.type === 'cancelled') notify({ kind: 'order_rejected', severity: 'warning', key: `cancelled:${e.tradeId}`, title: `Entry ${e.symbol} not filled`, text: e.reason, data: { ...e } });
        }),
        deps.pipeline.events$.subscribe((e) => {
          if (e.type === 'emergency_stop' && e.phase === 'finished') notify({ kind: 'kill_switch', severity: 'critical', title: 'Kill switch finished', text: 'see GET /api/trades and the journal for what was cancelled, closed and left', data: {} });
        }),
      ];
      // the boot reconciliation may have finished before this subscription (it is not awaited at boot)
      const boot = deps.control.lastReconciledReport();
      if (boot) onReconciled(boot.report, boot.cause);
      await reset.start();
      watchdog.start();
      streamGap.start();
      health.start();
      if (deps.cron ?? true) openJob = scheduleNyCron({ name: 'keel-flatten-at-open', expression: '30 9 * * 1-5', run: flattenAtOpen, onError: warn });
      else {
        // no wall-clock job (a virtual clock): each open on the injected clock's timers
        openTimer = new AbortController();
        void atEachOpen(openTimer.signal);
      }
      if (isRegularSessionOpen(clock.now())) void flattenAtOpen();
    },
    async stop() {
      if (!running) return;
      running = false;
      for (const s of subs) s.unsubscribe();
      subs = [];
      await openJob?.stop();
      openJob = null;
      openTimer?.abort(new Error('stopped'));
      openTimer = null;
      await Promise.all([reset.stop(), watchdog.stop(), streamGap.stop(), health.stop()]);
    },
    observeAccount(account) {
      if (!running || !settings) return;
      monitor.observe({ equity: account.equity, lastEquity: account.lastEquity, unrealizedPnl: deps.supervisor.unrealizedPnl() })
        .then((seen) => {
          if (!seen || !deps.metrics) return;
          if (seen.drawdownPct !== null) deps.metrics.drawdown(seen.drawdownPct.div(100).toNumber());
          deps.metrics.breakerLevel(seen.level);
          deps.metrics.realizedPnlToday(seen.realizedPnl.toNumber());
        })
        .catch((error: unknown) => warn('circuit breaker observation failed', error));
    },
  };
}
