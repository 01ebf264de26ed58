/** What startKeel takes besides the configuration, and what it gives back (keel-service.ts). */
import type { KeelBotControl } from '../control/lifecycle/bot-control.js';
import type { KeelPipeline } from '../control/pipeline/signal-service.js';
import type { WriterRole as GuardRole } from '../control/instance/writer-guard.js';
import type { TradingModeName } from '../domain/bot-config.js';
import type { ResolvedApiToken } from '../config/api-token.js';
import type { PromMetrics } from '../adapters/metrics/prom-metrics.js';
import type { InProcessExchange } from '../adapters/sim/in-process-exchange.js';
import type { Clock, Random } from '../ports/clock.port.js';
import type { Logger } from '../ports/logger.port.js';
import type { WriterLease } from '../ports/writer-lease.port.js';

export interface KeelServiceDeps {
  clock: Clock;
  random: Random;
  /** operator-facing problems that must not be silent (journal write failures, sim faults) */
  warn: (message: string, error?: unknown) => void;
  /** when given, each component warns through its own child of it (http, broker, pipeline, …) instead of `warn` */
  logger?: Logger;
  /**
   * default true: the session jobs (15:45 force close, 09:00 daily reset, the queued flatten at the
   * open) also run as node-cron jobs on the wall clock, beside their timers on `clock`. false on a
   * clock that is not the wall's (the demo's N× time): their timers on `clock` alone
   */
  wallClockJobs?: boolean;
  /** the wall's time, for what a person's time bounds (a dashboard session's 12 hours); default `clock` */
  wallClock?: Clock;
  /** with no paper keys: this simulated exchange, reached in this process without sockets (a
   *  backtest), instead of one started on a loopback port */
  exchange?: InProcessExchange;
  /** default: the database's advisory lock; a backtest's database is its own, with one writer */
  lease?: WriterLease;
  /** how often the account is read while the bot runs (default 5 s) */
  accountRefreshMs?: number;
  /** how often the stream-gap monitor confirms the trade stream (default 2 s; a replay's in-process
   *  streams cannot gap) */
  streamGapCheckMs?: number;
  /** default true: the dashboard's live feeds (status, signals and trades as they change; prices
   *  twice a second); a backtest has no one watching at its speed */
  dashboardFeeds?: boolean;
}

export interface KeelService {
  url: string;
  token: ResolvedApiToken;
  /** printable: never contains a password */
  database: string;
  broker: string;
  mode: TradingModeName;
  migrationsApplied: string[];
  /** the facade HTTP serves: the real control while this instance writes, read-only otherwise */
  control: KeelBotControl;
  pipeline: KeelPipeline;
  /** this instance's metrics (its own registry), served by GET /metrics */
  metrics: PromMetrics;
  /** printable name of the single-writer lease */
  lease: string;
  /** 'writer' while this instance holds the lease and has reconciled; 'read_only' while another
   *  instance writes; 'lost' between a lost lease and its return */
  writerRole(): GuardRole;
  /** true when no database statement is in flight or waiting, the writer lease's heartbeat included
   *  (a backtest or a test on a manual clock moves time only then: a heartbeat whose answer is on its
   *  way when time jumps past its timeout would lose the lease) */
  quiet(): boolean;
  /** a request to this instance's own API without a socket (Hono's app.request) */
  request(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}
