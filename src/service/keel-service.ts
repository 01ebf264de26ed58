/**
 * Starts the whole service from a validated configuration, and stops it in reverse order.
 * Order matters: database (embedded or DATABASE_URL) → migrations → persisted config → broker
 * (the in-process simulated exchange when no paper keys) → position supervisor → control facade
 * (its state events drive the supervisor: running/paused/halted start it, stopped stops it; its config
 * events re-arm the open positions' exits at once) →
 * trading pipeline → HTTP → boot (restores the persisted state; 'running' only after
 * reconciliation). The HTTP server is up before boot, so the API answers even while the broker is
 * unreachable. Shutdown runs in reverse: HTTP, the pipeline (its in-flight POSTs finish), the
 * supervisor, the control, the broker streams, the database.
 * Invariant: whatever was started is stopped again if a later step fails.
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { resolveAlpacaUrls, type ResolvedAlpaca } from '../adapters/alpaca/urls.js';
import { appendJournal, loadBotConfig, openDatabase } from '../adapters/postgres/index.js';
import { startInProcessSim } from '../adapters/sim/in-process.js';
import { resolveApiToken, type ResolvedApiToken } from '../config/api-token.js';
import type { KeelConfig } from '../config/config.js';
import { createPositionSupervisor } from '../actors/position-supervisor.js';
import { createBotControl, type KeelBotControl } from '../control/bot-control.js';
import { createPipeline, type KeelPipeline } from '../control/pipeline/signal-service.js';
import type { TradingModeName } from '../domain/bot-config.js';
import { createApp } from '../http/app.js';
import type { Clock, Random } from '../ports/clock.port.js';
import { journalTradeStream } from '../streams/trade-stream-journal.js';
import { withUnattendedCount } from './attended-control.js';
import { BrokerSwitch } from './broker-switch.js';
import { driveSupervisor } from './supervisor-lifecycle.js';

export interface KeelServiceDeps {
  clock: Clock;
  random: Random;
  /** operator-facing problems that must not be silent (journal write failures, sim faults) */
  warn: (message: string, error?: unknown) => void;
}

export interface KeelService {
  url: string;
  token: ResolvedApiToken;
  /** printable: never contains a password */
  database: string;
  broker: string;
  mode: TradingModeName;
  migrationsApplied: string[];
  control: KeelBotControl;
  pipeline: KeelPipeline;
  stop(): Promise<void>;
}

export async function startKeel(config: KeelConfig, deps: KeelServiceDeps): Promise<KeelService> {
  const { clock } = deps;
  const stack: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stack.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        deps.warn('shutdown step failed', error);
      }
    }
  };
  try {
    await mkdir(config.dataDir, { recursive: true });
    const token = await resolveApiToken({ envToken: config.apiToken, dataDir: config.dataDir });

    const { db, description: database, migrationsApplied, close } = await openDatabase({
      databaseUrl: config.databaseUrl, dataDir: config.dataDir, onPoolError: (err) => deps.warn('postgres connection error', err),
    });
    stack.push(close);
    const botConfig = await loadBotConfig(db, clock.now());

    let paper: ResolvedAlpaca | null = config.alpaca.paper;
    let paperBroker = paper ? `Alpaca paper at ${paper.urls.trading}` : '';
    if (config.alpaca.useSimulator) {
      const sim = await startInProcessSim({ clock, onError: (error) => deps.warn('simulated exchange fault', error) });
      stack.push(() => sim.stop());
      paper = resolveAlpacaUrls(sim.env, 'paper');
      paperBroker = `simulated exchange at ${sim.server.tradingUrl} (no paper keys set)`;
    }
    const brokers = new BrokerSwitch({
      clock,
      random: deps.random,
      resolvedFor: (mode) => (mode === 'paper' ? paper : config.alpaca.live),
      attach: (adapters) =>
        journalTradeStream(
          adapters.tradeStream.events$,
          (entry) => appendJournal(db, entry, clock.now()),
          (error) => deps.warn('journal write failed for a trade stream event', error),
        ),
    });
    stack.push(() => brokers.stop());
    await brokers.switchTo(botConfig.mode);

    const supervisor = createPositionSupervisor({ db, clock, adapters: () => brokers.adapters, warn: deps.warn });
    const bare = createBotControl({
      db,
      clock,
      random: deps.random,
      broker: () => brokers.broker,
      switchBroker: (mode) => brokers.switchTo(mode),
      reconcileRetry: { baseMs: 1_000, maxMs: 60_000 },
    });
    stack.push(() => bare.shutdown());
    const control = withUnattendedCount(bare, supervisor);
    // subscribed before boot: the restored state's first event starts the supervisor
    const lifecycle = driveSupervisor(control.events$, supervisor, deps.warn);
    stack.push(async () => {
      lifecycle.unsubscribe();
      await supervisor.stop();
    });
    const pipeline = createPipeline({
      db, clock, control, supervisor, warn: deps.warn, entryGate: () => control.entryGate(),
      broker: () => brokers.broker,
      marketData: () => brokers.adapters?.marketData ?? null,
      lastPrice: (symbol) => supervisor.lastPrice(symbol),
    });
    pipeline.start();
    stack.push(() => pipeline.stop());

    const app = createApp({ control, pipeline, apiToken: token.token, logError: (error) => deps.warn('http: unexpected error', error) });
    const server = await listen(app.fetch, config.port, config.host);
    stack.push(() => closeServer(server));
    const address = server.address() as AddressInfo;

    await control.boot();
    return {
      url: `http://${config.host}:${address.port}`,
      token,
      database,
      broker: botConfig.mode === 'paper' ? paperBroker : config.alpaca.live ? `Alpaca LIVE at ${config.alpaca.live.urls.trading}` : 'none: live mode without live keys',
      mode: botConfig.mode,
      migrationsApplied,
      control,
      pipeline,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function listen(fetch: Parameters<typeof serve>[0]['fetch'], port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once('error', reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // idle keep-alive sockets would hold close() open
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}
