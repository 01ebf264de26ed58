/**
 * Starts the whole service from a validated configuration, and stops it in reverse order.
 * Order matters: database (embedded or DATABASE_URL) → migrations → persisted config → the writer
 * lease (one per database: bot_config, trades and the journal are shared by every instance on it)
 * → position supervisor, control facade (swappable: read-only until this instance writes),
 * trading pipeline → HTTP → the writer guard. The guard's first try decides the role:
 *  - acquired → this instance writes: the broker of the persisted mode is connected, the real
 *    control is created, its events drive the supervisor (running/paused/halted start it, stopped
 *    stops it; config events re-arm the open positions' exits), boot restores the persisted state
 *    ('running' only after reconciliation), then the pipeline's background work starts (with the
 *    safety jobs and the equity snapshots);
 *  - refused → read-only: the API and the journal are readable, every change is refused with
 *    ANOTHER_INSTANCE_ACTIVE, no entry passes the gate, the supervisor and the broker stay off;
 *    the guard polls and takes over (exactly like a restart) when the other instance lets go;
 *  - a lost lease → read-only at once, everything that writes stopped (writer-role.ts).
 * The HTTP server is up before the role is decided, so the API answers even while the broker is
 * unreachable; until the first role is decided and a restored 'running' has reconciled, /healthz
 * answers 503 with the step it is at (`starting: …`). Shutdown runs in reverse: HTTP, the pipeline (its in-flight POSTs finish), the
 * writer's supervisor and control, the guard and the lease (released only after every write), the
 * broker streams, the database.
 * Invariant: whatever was started is stopped again if a later step fails.
 * The composition root reads top to bottom in start order; the HTTP listener and the rate-limit
 * wording live beside it (http-listener.ts, rate-limit-notes.ts).
 */
import { createNotifier, drainWithin } from '../adapters/notify/index.js';
import { createSafetyJobs, type SafetyJobs } from './safety-jobs.js';
import { watchApprovals } from './approval-notices.js';
import type { Subscription } from 'rxjs';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { resolveAlpacaUrls, type ResolvedAlpaca } from '../adapters/alpaca/urls.js';
import { appendJournal, loadBotConfig, openDatabase } from '../adapters/postgres/index.js';
import { startInProcessSim } from '../adapters/sim/in-process.js';
import { resolveApiToken } from '../config/api-token.js';
import type { KeelConfig } from '../config/config.js';
import { createPositionSupervisor } from '../actors/position-supervisor.js';
import { createPostgresTradeStore } from '../adapters/postgres/trade-store.js';
import { createPostgresWriterLease, leaseName } from '../adapters/postgres/writer-lease.js';
import { createBotControl } from '../control/lifecycle/bot-control.js';
import { EquitySnapshotJob } from '../control/jobs/equity-snapshot-job.js';
import { createPipeline } from '../control/pipeline/signal-service.js';
import { createReadOnlyControl } from '../control/instance/read-only-control.js';
import { createSwappableControl } from '../control/instance/swappable-control.js';
import { startWriterGuard, type WriterGuard } from '../control/instance/writer-guard.js';
import { createApp } from '../http/app.js';
import { createEventHub } from '../http/live/event-hub.js';
import { toJson } from '../http/to-json.js';
import { feedLiveEvents } from './live-feed.js';
import { PositionsFeed } from './positions-feed.js';
import { journalTradeStream } from '../streams/trade-stream-journal.js';
import { withUnattendedCount } from './attended-control.js';
import { StreamHealthMonitor } from './stream-health.monitor.js';
import { BrokerSwitch } from './broker-switch.js';
import { createWriterRole } from './writer-role.js';
import { createKeelInspector } from './inspector/keel-inspector.js';
import { createPromMetrics } from '../adapters/metrics/prom-metrics.js';
import { warnOf, type Warn } from '../ports/logger.port.js';
import { bridgeControlEvents, bridgePipelineEvents, bridgePositionEvents, bridgeStreams } from './metrics-bridge.js';
import { keelVersion } from '../config/keel-version.js';
import { closeServer, listen } from './http-listener.js';
import { rateLimitNote, rateLimitWaitMessage } from './rate-limit-notes.js';

/** one lease per database, whatever the mode or account: bot_config, trades and the journal are
 *  per database, so a paper↔live switch must not let a second instance write beside this one */
export const WRITER_LEASE = { mode: 'db', accountKey: 'writer' } as const;
export const WRITER_LEASE_NAME = leaseName(WRITER_LEASE.mode, WRITER_LEASE.accountKey);

import type { KeelService, KeelServiceDeps } from './keel-service.types.js';

export type { KeelService, KeelServiceDeps } from './keel-service.types.js';

export async function startKeel(config: KeelConfig, deps: KeelServiceDeps): Promise<KeelService> {
  const { clock } = deps;
  const wallClockJobs = deps.wallClockJobs ?? true;
  const dashboardFeeds = deps.dashboardFeeds ?? true;
  const warnFor = (component: string): Warn => (deps.logger ? warnOf(deps.logger.child(component)) : deps.warn);
  const warn = { service: warnFor('service'), db: warnFor('db'), broker: warnFor('broker'), sim: warnFor('sim'), writer: warnFor('writer'), positions: warnFor('positions'), notify: warnFor('notify'), pipeline: warnFor('pipeline'), safety: warnFor('safety'), http: warnFor('http'), equity: warnFor('equity') };
  const metrics = createPromMetrics({ clock, version: await keelVersion() });
  const stack: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stack.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        warn.service('shutdown step failed', error);
      }
    }
  };
  try {
    await mkdir(config.dataDir, { recursive: true });
    const token = await resolveApiToken({ envToken: config.apiToken, dataDir: config.dataDir });

    const { db, description: database, url: databaseUrl, migrationsApplied, close, busy } = await openDatabase({
      databaseUrl: config.databaseUrl, dataDir: config.dataDir, onPoolError: (err) => warn.db('postgres connection error', err),
    });
    stack.push(close);
    const botConfig = await loadBotConfig(db, clock.now());
    metrics.botState(botConfig.state);
    metrics.tradingMode(botConfig.mode);

    let paper: ResolvedAlpaca | null = config.alpaca.paper;
    let paperBroker = paper ? `Alpaca paper at ${paper.urls.trading}` : '';
    if (config.alpaca.useSimulator && deps.exchange) {
      paper = resolveAlpacaUrls(deps.exchange.env, 'paper');
      paperBroker = deps.exchange.description;
    } else if (config.alpaca.useSimulator) {
      const sim = await startInProcessSim({ clock, onError: (error) => warn.sim('simulated exchange fault', error) });
      stack.push(() => sim.stop());
      paper = resolveAlpacaUrls(sim.env, 'paper');
      paperBroker = `simulated exchange at ${sim.server.tradingUrl} (no paper keys set)`;
    }
    const streamHealth = new StreamHealthMonitor();
    const brokers = new BrokerSwitch({
      clock,
      random: deps.random,
      resolvedFor: (mode) => (mode === 'paper' ? paper : config.alpaca.live),
      metrics,
      transport: deps.exchange?.transport,
      attach: (adapters) => {
        const journal = journalTradeStream(
          adapters.tradeStream.events$,
          (entry) => appendJournal(db, entry, clock.now()),
          (error) => warn.db('journal write failed for a trade stream event', error),
        );
        journal.add(streamHealth.attach({ trade: adapters.tradeStream.events$, marketData: adapters.marketDataStream.events$ }));
        journal.add(bridgeStreams({ trade: adapters.tradeStream.events$, marketData: adapters.marketDataStream.events$ }, clock, metrics));
        return journal;
      },
      // Keel must not exceed Alpaca's limit, so it waits; it says so, and until when
      onRateLimitWait: (wait) => warn.broker(rateLimitWaitMessage(wait.api, wait.until, wait.waitMs)),
    });
    stack.push(() => brokers.stop());

    // its own connection (the URL carries the password: it goes to pg, never to a log)
    const lease = deps.lease ?? createPostgresWriterLease({ ...WRITER_LEASE, connection: databaseUrl, clock, warn: warn.writer });
    let guard: WriterGuard | null = null;
    // released only after everything that writes has stopped (the steps pushed later run first)
    stack.push(async () => {
      await guard?.stop();
      await lease.close();
    });

    // the live statecharts: every machine actor reports to it (always on: O(1) per step)
    const inspection = createKeelInspector(clock, warn.service);
    const supervisor = createPositionSupervisor({
      store: createPostgresTradeStore(db), clock, adapters: () => brokers.adapters, warn: warn.positions, inspect: inspection.inspector.observer, tuning: { cron: wallClockJobs },
    });
    const positionMetrics = bridgePositionEvents(supervisor.events$, supervisor, clock, metrics);
    stack.push(async () => positionMetrics.unsubscribe());
    const readOnly = createReadOnlyControl({ db, clock });
    const control = createSwappableControl(readOnly);
    const notifier = createNotifier(config.notify, { clock, random: deps.random, warn: warn.notify });
    stack.push(() => drainWithin(notifier, clock, 5_000));
    let safety: SafetyJobs | null = null;
    const pipeline = createPipeline({
      db, clock, control, supervisor, warn: warn.pipeline, metrics, entryGate: () => control.entryGate(),
      entryGateNow: () => control.entryGateNow(),
      onAccount: (account) => { metrics.equity(account.equity.toNumber()); safety?.observeAccount(account); },
      broker: () => brokers.broker,
      marketData: () => brokers.adapters?.marketData ?? null,
      lastPrice: (symbol) => supervisor.lastPrice(symbol),
      accountRefreshMs: deps.accountRefreshMs,
    });
    safety = createSafetyJobs({ db, clock, control, pipeline, supervisor, notifier, warn: warn.safety, metrics, broker: () => brokers.broker, timing: config.safety, cron: wallClockJobs,
      ...(deps.streamGapCheckMs ? { streamGap: { confirmEveryMs: deps.streamGapCheckMs } } : {}) });
    const pipelineMetrics = bridgePipelineEvents(pipeline.events$, metrics);
    stack.push(async () => pipelineMetrics.unsubscribe());
    const jobs = safety;
    const snapshots = new EquitySnapshotJob({ db, clock, status: () => control.status(), account: pipeline.account, supervisor, warn: warn.equity });
    // the dashboard's live stream: what the control, the pipeline and the positions announce
    const events = createEventHub();
    const livePositions = new PositionsFeed({ hub: events, clock, armed: () => supervisor.armedPositions(), warn: warn.http });
    // the safety jobs, the equity snapshots and the live prices run exactly while the pipeline's background work does: while this instance writes
    // approvals the trader is asked for, with the link they open (KEEL_PUBLIC_URL, else this listener)
    let ownUrl = `http://${config.host}:${config.port}`;
    let approvals: Subscription | null = null;
    const writerWork = {
      start: () => {
        approvals = watchApprovals({
          events$: pipeline.events$, getSignal: (id) => pipeline.getSignal(id), notifier, dashboardUrl: () => config.publicUrl ?? ownUrl,
          now: () => clock.now(), warn: warn.notify,
        });
        pipeline.listSignals({ status: 'pending', limit: 500 }).then(
          (page) => pipelineMetrics.seedPending(page.items.map((item) => item.id)),
          (error: unknown) => warn.pipeline('pending approvals could not be counted for /metrics', error),
        );
        pipeline.start(); jobs.start().catch((error: unknown) => warn.safety('safety jobs failed to start', error)); snapshots.start(); if (dashboardFeeds) livePositions.start(); },
      stop: async () => { approvals?.unsubscribe(); approvals = null; await livePositions.stop(); await snapshots.stop(); await jobs.stop(); await pipeline.stop(); },
    };
    /** the startup step under way; null once the first role is decided */
    let phase: string | null = 'taking the writer lease';
    const role = createWriterRole({
      db, clock, warn: warn.writer, leaseName: lease.name, control, readOnly, supervisor, pipeline: writerWork,
      connect: async () => {
        if (phase) phase = 'connecting to the broker';
        await brokers.switchTo((await loadBotConfig(db, clock.now())).mode);
        if (phase) phase = 'restoring the persisted state';
      },
      disconnect: () => brokers.stop(),
      createControl: () => {
        const writing = createBotControl({
          db,
          clock,
          random: deps.random,
          broker: () => brokers.broker,
          switchBroker: (mode) => brokers.switchTo(mode),
          reconcileRetry: { baseMs: 1_000, maxMs: 60_000 },
          inspect: inspection.inspector.observer,
        });
        bridgeControlEvents(writing.events$, metrics, async () => (await writing.status()).stateReason.code);
        return withUnattendedCount(writing, supervisor, () => brokers.rateLimitedUntil(), () => pipeline.account.peek(), () => streamHealth.current());
      },
    });
    stack.push(() => role.stop());
    stack.push(() => pipeline.stop());

    const starting = async (): Promise<string | null> => {
      // read when the request arrives: the broker probe answering beside it may take its whole timeout
      const note = rateLimitNote(brokers.rateLimitedUntil(), clock.now());
      const step = phase ?? (guard?.role() === 'writer' && (await control.status()).starting ? 'reconciling with the broker before running again' : null);
      return step === null ? null : `starting: ${step}${note}`;
    };
    if (dashboardFeeds) {
      const feed = feedLiveEvents(events, {
        control$: control.events$, pipeline$: pipeline.events$, positions$: supervisor.events$,
        status: async () => toJson(await control.status()), warn: warn.http,
      });
      stack.push(() => feed.stop());
    }
    const app = createApp({
      control, pipeline, apiToken: token.token, writes: () => guard?.role() === 'writer', starting, clock, sessionClock: deps.wallClock ?? clock, events,
      logError: (error) => warn.http('unexpected error', error), metrics, inspector: inspection,
    });
    const server = await listen(app.fetch, config.port, config.host);
    stack.push(() => closeServer(server));
    const address = server.address() as AddressInfo;
    ownUrl = `http://${config.host}:${address.port}`;

    // the first try decides: writer (boot and reconcile, like a restart) or read-only (poll)
    guard = await startWriterGuard({ lease, clock, warn: warn.writer, onAcquired: (signal) => role.acquired(signal), onLost: (reason) => role.lost(reason) });
    role.startupDone();
    phase = null;
    const writerGuard = guard;
    return {
      url: `http://${config.host}:${address.port}`,
      token,
      database,
      broker: botConfig.mode === 'paper' ? paperBroker : config.alpaca.live ? `Alpaca LIVE at ${config.alpaca.live.urls.trading}` : 'none: live mode without live keys',
      mode: botConfig.mode,
      migrationsApplied,
      control,
      pipeline,
      metrics,
      lease: lease.name,
      writerRole: () => writerGuard.role(),
      quiet: () => busy() === 0 && (lease.inFlight?.() ?? 0) === 0,
      request: async (path, init) => app.request(path, init),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
