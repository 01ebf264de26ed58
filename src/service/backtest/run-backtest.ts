/**
 * One backtest: Keel's whole service — the HTTP API, the gateway, the sizer, the position actors
 * and their exit rules, the breakers, the journal, the 15:45 force close — started on a virtual
 * clock against the simulated exchange in this process, whose prices are recorded bars (each an
 * intrabar path, market/bar-tape.ts). Signals are posted to Keel's own API at their times. No
 * second implementation of any trading rule: what the live service would do is what happens.
 * The discrete-event loop ("as fast as possible"):
 *   next = the earliest of: a sleep due on the clock, the next price of a symbol Keel watches or
 *   has an order working for, the next signal, the end;
 *   time jumps there; the timers due fire and Keel settles; the exchange produces the prices of
 *   that instant (executing working orders at them) and Keel settles; the signals of that instant
 *   are posted and Keel settles.
 * "Settles": no database statement in flight and nothing touched the clock for several turns of
 * the event loop — time never moves while Keel or the exchange is still working.
 * Invariants: the run uses only the database it is given (a fresh one per run); Keel is stopped
 * before the result is returned, whatever happens; every warning Keel raised is in the result.
 */
import { loadConfig } from '../../config/config.js';
import type { Bar } from '../../domain/market-data.js';
import { BarTape } from '../../adapters/sim/market/bar-tape.js';
import { createInProcessExchange } from '../../adapters/sim/in-process-exchange.js';
import { VirtualClock } from '../../clock/virtual.clock.js';
import type { WriterLease } from '../../ports/writer-lease.port.js';
import { startKeel, type KeelService } from '../keel-service.js';
import { errorText } from '../../lib/error-text.js';
import { mulberry32 } from '../../lib/mulberry32.js';

export interface BacktestSignal {
  at: number;
  body: Record<string, unknown>;
}

export interface BacktestRunInput {
  signals: readonly BacktestSignal[];
  bars: readonly Bar[];
  /** bot_config fields applied before the start, validated as PATCH /api/bot/config validates them */
  settings: Record<string, unknown>;
  /** a database of this run's own (migrated here if it is not yet) */
  databaseUrl: string;
  /** the run's scratch directory (the API token file) */
  dataDir: string;
  startingCash?: number;
  /** called as virtual time passes (at most once per virtual minute) */
  onProgress?: (at: number, from: number, to: number) => void;
}

export interface BacktestRun {
  from: number;
  to: number;
  wallMs: number;
  bars: number;
  /** price points Keel was sent (the symbols it watched) */
  pricesDelivered: number;
  warnings: string[];
  /** the service, still running: read the result through it, then call stop() */
  keel: KeelService;
  /** GET on Keel's own API (JSON) */
  get(path: string): Promise<unknown>;
  stop(): Promise<void>;
}

/** the run's database is its own: one writer, always */
function soleWriterLease(): WriterLease {
  let held = false;
  return {
    name: 'keel:backtest',
    holds: () => held,
    tryAcquire: async () => (held = true),
    release: async () => { held = false; },
    waitUntilAcquired: async () => { held = true; },
    onLost: () => () => undefined,
    close: async () => { held = false; },
  };
}


const SETTLE_TURNS = 3;

/**
 * The safety jobs' periods in a backtest (the same variables an operator sets): they guard against
 * a broken feed or a lost order, which an in-process replay cannot have, and each run reads the
 * database; at their live periods they would be most of a replay's cost. The account (equity for
 * the breakers and the daily loss limit) is read once a minute, the bars' own resolution, and the
 * stream-gap monitor looks once a minute (each look is a stop of the loop: 31,000 a night at 2 s).
 */
export const BACKTEST_ACCOUNT_REFRESH_MS = 60_000;
export const BACKTEST_TIMING = { KEEL_WATCHDOG_CHECK_SEC: '60', KEEL_PRICE_STALE_SEC: '300', KEEL_HEALTH_CHECK_MIN: '60' } as const;

export async function runBacktest(input: BacktestRunInput): Promise<BacktestRun> {
  const started = performance.now();
  const bars = input.bars;
  const signals = input.signals.slice().sort((a, b) => a.at - b.at);
  if (bars.length === 0) throw new Error('a backtest needs bars');
  const tape = new BarTape(bars);
  const firstEvent = Math.min(tape.start, signals[0]?.at ?? Infinity);
  const lastEvent = Math.max(tape.end, signals[signals.length - 1]?.at ?? -Infinity);
  // from a few minutes before the first price or signal (Keel starts and reconciles) to a minute
  // after the last bar's close point
  const from = firstEvent - 5 * 60_000;
  const to = lastEvent + 60_000;

  const clock = new VirtualClock(from);
  const warnings: string[] = [];
  const warn = (message: string, error?: unknown) => warnings.push(error === undefined ? message : `${message}: ${errorText(error)}`);
  const sim = createInProcessExchange({ clock, tape, seed: 1, startingCash: input.startingCash ?? 100_000, onError: (e) => warn('simulated exchange fault', e) });
  const loaded = loadConfig({ DATABASE_URL: input.databaseUrl, KEEL_DATA_DIR: input.dataDir, PORT: '0', HOST: '127.0.0.1', ...BACKTEST_TIMING });
  if (!loaded.ok) throw new Error(`backtest configuration: ${loaded.problems.join('; ')}`);
  const keel = await startKeel(loaded.config, {
    // random: the jitter Keel adds to retries, the same on every run
    clock, random: mulberry32(1), warn, wallClockJobs: false, exchange: sim.exchange, lease: soleWriterLease(),
    accountRefreshMs: BACKTEST_ACCOUNT_REFRESH_MS, streamGapCheckMs: BACKTEST_ACCOUNT_REFRESH_MS, dashboardFeeds: false,
  });
  const auth = { Authorization: `Bearer ${keel.token.token}` };
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> => {
    const res = await keel.request(path, {
      method, headers: { ...auth, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  const settle = async (): Promise<void> => {
    let seen = clock.activity;
    for (let calm = 0; calm < SETTLE_TURNS;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (!keel.quiet() || clock.activity !== seen) {
        seen = clock.activity;
        calm = 0;
      } else {
        calm++;
      }
    }
  };

  // the trades the exchange produces are the prices Keel is sent (only watched symbols are produced)
  let pricesDelivered = 0;
  const counting = sim.core.marketEvents$.subscribe((e) => { if (e.T === 't') pricesDelivered++; });
  try {
    await settle();
    const patch = await call('PATCH', '/api/bot/config', { executionMode: 'full_auto', ...input.settings });
    if (patch.status !== 200) throw new Error(`the settings were refused: ${JSON.stringify(patch.body)}`);
    const start = await call('POST', '/api/bot/start');
    if (start.status !== 200) throw new Error(`Keel did not start: ${JSON.stringify(start.body)}`);
    await settle();

    let nextSignal = 0;
    let lastProgress = -Infinity;
    const watched = new Set<string>();
    for (;;) {
      watched.clear();
      for (const s of sim.wanted) watched.add(s);
      const working = sim.core.openOrderSymbols();
      for (const s of working) watched.add(s);
      let next = Math.min(to, clock.nextDue() ?? Infinity, signals[nextSignal]?.at ?? Infinity);
      for (const symbol of watched) {
        const t = sim.core.market.nextPointAfter(symbol, clock.now());
        if (t !== null && t < next) next = t;
      }
      const before = clock.activity;
      clock.advanceTo(next);
      if (clock.activity !== before) await settle();
      const delivered = pricesDelivered;
      sim.core.sync();
      if (pricesDelivered > delivered || working.length > 0) await settle();
      while (nextSignal < signals.length && signals[nextSignal]!.at <= next) {
        const s = signals[nextSignal++]!;
        const answer = await call('POST', '/api/signals', s.body);
        if (answer.status !== 202) warn(`signal at ${new Date(s.at).toISOString()} refused by the API (${answer.status}): ${JSON.stringify(answer.body)}`);
        await settle();
      }
      if (next - lastProgress >= 60_000) {
        lastProgress = next;
        input.onProgress?.(next, from, to);
      }
      if (next >= to) break;
    }
  } catch (error) {
    await keel.stop();
    throw error;
  } finally {
    counting.unsubscribe();
  }
  const wallMs = performance.now() - started;
  return {
    from, to, wallMs, bars: bars.length, pricesDelivered, warnings, keel,
    get: async (path) => {
      const r = await call('GET', path);
      if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
      return r.body;
    },
    stop: () => keel.stop(),
  };
}
