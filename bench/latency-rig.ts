/**
 * The B6 rig (bench/latency.ts): the real Keel pipeline, position supervisor, control facade and
 * HTTP app on an embedded PostgreSQL (temp dir, durable: false), against the simulated exchange
 * over loopback through the real Alpaca adapter. The sim runs in a CHILD process (bench/sim-process.ts),
 * as real Alpaca is another machine: in-process, its request handling, fills and stream frames ran
 * on Keel's event loop inside the measured path. The child is killed on close, on a failed start,
 * and on this process's exit. Probes, all on this process's performance.now() timeline:
 *  - `ticks`: the price feed's entry point (a market-data stream whose events$ we drive);
 *  - `fetches$`: the adapter's fetch, when it is called for POST /v2/orders;
 *  - `orderPosts$`: the sim's HTTP server, when the head of a POST /v2/orders arrives (stamped in
 *    the child as epoch ms = timeOrigin + now, mapped back here);
 *  - `probeArrivals$` + `probeUrl`: a plain HTTP server in the child, stamped the same way, so the
 *    bench can check the cross-process stamps against a plain loopback round trip.
 * Time: real time anchored at a Monday 10:00 ET (the sim is pinned open too), so the session
 * close, max hold and the calendar never interfere however long the run takes or when it starts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { filter, firstValueFrom, Subject, type Subscription } from 'rxjs';
import { createPositionSupervisor } from '../src/actors/position-supervisor.js';
import type { PositionSupervisor } from '../src/actors/position-supervisor.types.js';
import { createAlpacaAdapters, resolveAlpacaUrls } from '../src/adapters/alpaca/index.js';
import { createNodeHttpFetch } from '../src/adapters/alpaca/node-http-fetch.js';
import { createDb, type DbHandle } from '../src/adapters/postgres/db.js';
import { createPostgresTradeStore } from '../src/adapters/postgres/trade-store.js';
import { startEmbeddedPostgres } from '../src/adapters/postgres/embedded.js';
import { migrateToLatest } from '../src/adapters/postgres/migrate.js';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/clock/system.clock.js';
import { createBotControl, type KeelBotControl } from '../src/control/lifecycle/bot-control.js';
import { createPipeline, type KeelPipeline } from '../src/control/pipeline/signal-service.js';
import type { BotSettings } from '../src/domain/bot-config.js';
import { dec } from '../src/domain/money.js';
import { createApp } from '../src/http/app.js';
import type { Clock } from '../src/ports/clock.port.js';
import type { MarketDataEvent, MarketDataStreamPort } from '../src/ports/market-data.port.js';
import { driveSupervisor, type SupervisorCommand } from '../src/service/supervisor-lifecycle.js';
import type { SimArrival, SimProcessConfig, SimProcessReady, SimStats } from './sim-process.js';

export const API_TOKEN = 'bench-token-0123456789abcdef';
const SESSION = Date.parse('2026-11-23T15:00:00Z');
const BIG = 1_000_000_000;

/** real elapsed time, starting at a regular session's open; anchorWallMs lets the sim child share it */
function sessionClock(): { clock: Clock; anchorWallMs: number } {
  const start = performance.now();
  return { clock: { now: () => SESSION + Math.floor(performance.now() - start), sleep: systemClock.sleep }, anchorWallMs: performance.timeOrigin + start };
}

const SIM_PROCESS = fileURLToPath(new URL('./sim-process.ts', import.meta.url));
const SIM_START_MS = 30_000;

interface SimChild { ready: SimProcessReady; child: ChildProcess; stats(): Promise<SimStats>; stop(): Promise<void> }

/** forks bench/sim-process.ts and waits for its URL line; the child never outlives this process */
async function startSimChild(cfg: SimProcessConfig, onArrival: (a: SimArrival) => void): Promise<SimChild> {
  // explicit execArgv: the parent's own (tsx's loader flags) are not inherited blindly
  const child = fork(SIM_PROCESS, [JSON.stringify(cfg)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const killOnExit = () => { child.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  const exited = once(child, 'exit');
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const hard = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited.finally(() => clearTimeout(hard));
    }
  };
  const stats$ = new Subject<SimStats>();
  child.on('message', (m) => {
    const msg = m as SimArrival | SimStats;
    if (msg.kind === 'stats') stats$.next(msg);
    else onArrival(msg);
  });
  const stats = () => {
    const answer = firstValueFrom(stats$);
    child.send('stats');
    return answer;
  };
  try {
    const lines = createInterface({ input: child.stdout! });
    let timer: NodeJS.Timeout | undefined;
    const line = await Promise.race([
      once(lines, 'line').then(([l]) => l as string),
      exited.then(([code, signal]) => { throw new Error(`B6 sim child exited before it was ready (${String(code ?? signal)})`); }),
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`B6 sim child not ready within ${SIM_START_MS} ms`)), SIM_START_MS); }),
    ]).finally(() => clearTimeout(timer));
    lines.close();
    child.stdout!.resume(); // anything else it prints must not fill the pipe
    return { ready: JSON.parse(line) as SimProcessReady, child, stats, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `count` letter-only symbols (the signal schema refuses digits), all at $50 */
export function benchSymbols(count: number): string[] {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return Array.from({ length: count }, (_, i) => `Q${a[Math.floor(i / 26) % 26]}${a[i % 26]}`);
}

const SETTINGS: Partial<BotSettings> = {
  executionMode: 'full_auto', maxSharePrice: dec(10_000), maxConcurrentPositions: null, maxTradesPerDay: 1_000_000,
  positionSizeUsd: dec(1_000), dailyLossLimitUsd: dec(1_000_000), maxRoundTripsPerDay: null, maxHoldDurationSec: 86_400,
  // B6a closes every position at its hard stop: the win-rate guard would (rightly) pause the bot
  minWinRate: null,
  // B6 times Keel's own paths (signal → entry POST, tick → sell POST); a protective stop at the broker
  // adds its cancel and the read back before each sell (counted in docs/benchmarks.md §3), and
  // would race Keel's own hard stop on the very tick B6a times
  brokerStopMode: 'off',
};

export interface OrderFetch { t: number; symbol: string; side: string }
/** one adapter REST call: start and the arrival of its response head */
export interface RestCall { start: number; end: number; method: string; path: string }

export interface LatencyRig {
  ticks: Subject<MarketDataEvent>;
  fetches$: Subject<OrderFetch>;
  orderPosts$: Subject<number>;
  /** arrivals at the child's plain probe server, same timeline as orderPosts$ */
  probeArrivals$: Subject<number>;
  /** the child's plain HTTP server (answers 'ok') */
  probeUrl: string;
  /** the sim child's own service times and event-loop delay so far */
  simStats(): Promise<SimStats>;
  /** every REST call the adapters made, appended when its response head arrived */
  restCalls: RestCall[];
  clock: Clock;
  supervisor: PositionSupervisor;
  pipeline: KeelPipeline;
  /** another pipeline on the same Keel, started, with an empty account cache (a restarted process's) */
  coldPipeline(): KeelPipeline;
  control: KeelBotControl;
  db: DbHandle['db'];
  /** base URL of Keel's own HTTP API on loopback */
  keelUrl: string;
  close(): Promise<void>;
}

/** the price feed's entry point: symbols are "subscribed" at once, prices come from `ticks` */
function injectedStream(ticks: Subject<MarketDataEvent>): MarketDataStreamPort {
  return { events$: ticks.asObservable(), subscribe: () => undefined, unsubscribe: () => undefined, start: () => undefined, stop: async () => undefined };
}

export async function startLatencyRig(symbols: string[]): Promise<LatencyRig> {
  const dir = await mkdtemp(join(tmpdir(), 'keel-bench-pg-'));
  const cleanups: Array<() => Promise<unknown> | unknown> = [() => rm(dir, { recursive: true, force: true })];
  let closing = false;
  const close = async () => { closing = true; for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch((e: unknown) => console.error('[bench close]', e)); };
  try {
    const pg = await startEmbeddedPostgres({ dataDir: dir, durable: false });
    cleanups.push(() => pg.stop());
    // at teardown postgres stops under idle clients; earlier, a pool error is worth seeing
    const handle = createDb(pg.url, { max: 10, onPoolError: (e) => { if (!closing) console.error('[bench pg]', e.message); } });
    cleanups.push(() => handle.close());
    await migrateToLatest(handle.db);

    const { clock, anchorWallMs } = sessionClock();
    const orderPosts$ = new Subject<number>();
    const probeArrivals$ = new Subject<number>();
    const fetches$ = new Subject<OrderFetch>();
    const ticks = new Subject<MarketDataEvent>();
    const restCalls: RestCall[] = [];
    const sim = await startSimChild({
      sessionStart: SESSION, anchorWallMs, seed: 7, startingCash: 100_000_000, rateLimitPerMinute: BIG,
      symbols: Object.fromEntries(symbols.map((s) => [s, 50])),
    }, (a) => {
      // the child's epoch-ms stamp on this process's performance.now() timeline
      const t = a.t - performance.timeOrigin;
      (a.kind === 'order' ? orderPosts$ : probeArrivals$).next(t);
    });
    cleanups.push(() => sim.stop());
    const resolved = resolveAlpacaUrls({
      ALPACA_PAPER_URL: sim.ready.tradingUrl, ALPACA_DATA_URL: sim.ready.dataUrl, ALPACA_DATA_STREAM_URL: sim.ready.dataStreamUrl,
      ALPACA_API_KEY: 'PKBENCHKEY', ALPACA_API_SECRET: 'bench-secret',
    }, 'paper');
    // the production transport (node:http keep-alive pool), wrapped only to stamp its calls
    const transport = createNodeHttpFetch();
    cleanups.push(() => transport.destroy());
    // the limiter stays in the path (its cost counts), with a budget the run cannot exhaust
    const alpaca = createAlpacaAdapters({ ...resolved, tuning: { maxRequestsPerMinute: BIG } }, {
      clock, random: () => 0.5,
      fetch: async (url, init) => {
        const start = performance.now(); // stamped before the body is looked at
        const method = init.method ?? 'GET';
        if (method === 'POST' && url.endsWith('/v2/orders')) {
          const body = JSON.parse(String(init.body)) as { symbol: string; side: string };
          fetches$.next({ t: start, symbol: body.symbol, side: body.side });
        }
        const response = await transport.fetch(url, init);
        restCalls.push({ start, end: performance.now(), method, path: new URL(url).pathname });
        return response;
      },
    });
    cleanups.push(() => alpaca.tradeStream.stop());
    const adapters = { ...alpaca, marketDataStream: injectedStream(ticks) };

    const control = createBotControl({
      db: handle.db, clock, broker: () => alpaca.broker, random: () => 0.5, reconcileRetry: { baseMs: 1_000, maxMs: 30_000 }, switchBroker: () => true,
    });
    cleanups.push(() => control.shutdown());
    // no snapshot polls: every price of the run is one the bench injected
    const supervisor = createPositionSupervisor({ store: createPostgresTradeStore(handle.db), clock, adapters: () => adapters, tuning: { cron: false, pollEveryMs: 24 * 3_600_000 } });
    cleanups.push(() => supervisor.stop());
    const applied = new Subject<SupervisorCommand>();
    const wiring: Subscription = driveSupervisor(control.events$, supervisor, (m, e) => console.error('[bench supervisor]', m, e), (c) => applied.next(c));
    cleanups.push(() => wiring.unsubscribe());
    const pipelineDeps = {
      db: handle.db, clock, control, supervisor, broker: () => alpaca.broker, marketData: () => alpaca.marketData,
      entryGate: () => control.entryGate(), entryGateNow: () => control.entryGateNow(),
      warn: (m: string, e?: unknown) => console.error('[bench pipeline]', m, e),
    };
    const pipeline = createPipeline(pipelineDeps);
    const coldPipeline = (): KeelPipeline => {
      const p = createPipeline(pipelineDeps);
      p.start();
      cleanups.push(() => p.stop());
      return p;
    };
    pipeline.start();
    cleanups.push(() => pipeline.stop());

    const reconciled = firstValueFrom(control.events$.pipe(filter((e) => e.type === 'reconciled')));
    await control.boot();
    await reconciled;
    const patched = await control.patchConfig(SETTINGS, 'bench');
    if (!patched.ok) throw new Error(patched.error.message);
    const started = firstValueFrom(applied.pipe(filter((c) => c === 'start')));
    const acted = await control.act('start', 'bench');
    if (!acted.ok) throw new Error(`bot did not start: ${JSON.stringify(acted)}`);
    await started;

    const server = createAdaptorServer({ fetch: createApp({ control, pipeline, apiToken: API_TOKEN, logError: (e) => console.error('[bench keel http]', e) }).fetch }) as http.Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }));
    const keelUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { ticks, fetches$, orderPosts$, probeArrivals$, probeUrl: sim.ready.probeUrl, simStats: sim.stats, restCalls, clock, supervisor, pipeline, coldPipeline, control, db: handle.db, keelUrl, close };
  } catch (error) {
    await close();
    throw error;
  }
}
