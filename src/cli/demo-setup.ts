/**
 * The parts of `npm run demo` (src/cli/demo.ts): Keel trading the simulated exchange at any hour. Time runs N× faster (default 60×)
 * from 09:25 New York time of the latest trading session, so within seconds the market opens; a
 * built-in feed posts a signal every few minutes of that time through `POST /api/signals`, as a
 * signal source would; the bot runs full_auto, so orders fill, positions move, exit rules fire, the
 * 15:45 force close comes — all visible in the dashboard at the printed URL.
 * Invariants:
 *  - it never touches paper or live data: no Alpaca keys, no DATABASE_URL, no notifier and no API
 *    token are taken from the environment; its database is its own (default .keel/demo), made
 *    anew at each start (a demo replays the same session: rows from a later time of an earlier run
 *    would confuse it), and a directory is only ever cleared if it is empty or a demo's (it holds
 *    the marker file DEMO_MARKER);
 *  - every timer (Keel's and the simulated exchange's) runs on the one N× clock; no wall-clock
 *    cron job runs.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isRegularSessionOpen, isTradingDay, previousTradingDay } from '../core/calendar/nyse-calendar.js';
import { etClock, etDate, etWallToEpoch } from '../domain/market-time.js';
import type { Clock } from '../ports/clock.port.js';
import type { KeelService } from '../service/keel-service.js';
import { errorText } from '../lib/error-text.js';

export const DEMO_MARKER = '.keel-demo';
const DEFAULT_DIR = '.keel/demo';

export const USAGE = `usage: npm run demo -- [--speed N] [--start ISO-TIME] [--every MIN] [--data-dir DIR]
  --speed N        how many seconds of market time pass per real second (default 60)
  --start TIME     market time to begin at (default 09:25 New York of the latest trading session)
  --every MIN      minutes of market time between the feed's signals (default 3)
  --data-dir DIR   the demo's own data directory, cleared at each start (default ${DEFAULT_DIR})
Environment: PORT, HOST and KEEL_LOG_FORMAT as for npm start; everything else is the demo's own.`;

/** the demo's signals: symbols of the simulated exchange, catalysts and tiers in turn */
const FEED = [
  { symbol: 'AAPL', catalystType: 'earnings', catalystTier: 1, aiConfidence: 'high' },
  { symbol: 'NVDA', catalystType: 'contract_win', catalystTier: 2, aiConfidence: 'medium' },
  { symbol: 'TSLA', catalystType: 'analyst_upgrade', catalystTier: 2, aiConfidence: 'high' },
  { symbol: 'AMD', catalystType: 'earnings', catalystTier: 1, aiConfidence: 'medium' },
  { symbol: 'MSFT', catalystType: 'product_launch', catalystTier: 3, aiConfidence: 'high' },
  { symbol: 'FAKEPACA', catalystType: 'fda_approval', catalystTier: 1, aiConfidence: 'high' },
] as const;

/**
 * Settings that let a session show every kind of exit within it: tight stops and targets, a
 * trailing stop, a 45-minute max hold (entries after 15:00 meet the 15:45 force close), room for a
 * day of signals, and no win-rate guard (a demo's early losses must not end its day)
 */
export const DEMO_SETTINGS = {
  executionMode: 'full_auto', hardStopLossPct: 1, profitTargetPct: 1.5, trailingStopPct: 0.75, maxHoldDurationSec: 2_700,
  maxTradesPerDay: 200, maxRoundTripsPerDay: null, maxConcurrentPositions: 6, minWinRate: null,
} as const;

export interface DemoOptions {
  speed: number;
  start: number;
  everyMin: number;
  dataDir: string;
}

/** 'YYYY-MM-DD HH:MM' in New York time */
export function formatEt(t: number): string {
  return `${etDate(t)} ${etClock(t)}`;
}

/** 09:25 New York of the latest trading session that has reached 09:25 by `now` */
export function latestSessionStart(now: number): number {
  let day = etDate(now);
  if (!isTradingDay(day) || now < etWallToEpoch(day, 9, 25)) day = previousTradingDay(day);
  return etWallToEpoch(day, 9, 25);
}

/** the options, or every problem with them */
export function readDemoArgs(args: string[], now: number, cwd: string): { ok: true; options: DemoOptions } | { ok: false; problems: string[] } | { ok: 'help' } {
  let values;
  try {
    ({ values } = parseArgs({
      args, options: { speed: { type: 'string' }, start: { type: 'string' }, every: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    return { ok: false, problems: [errorText(error)] };
  }
  if (values.help) return { ok: 'help' };
  const problems: string[] = [];
  const speed = values.speed === undefined ? 60 : Number(values.speed);
  if (!(speed > 0 && speed <= 10_000)) problems.push(`--speed must be a number above 0 and at most 10000 (got ${JSON.stringify(values.speed)})`);
  const start = values.start === undefined ? latestSessionStart(now) : Date.parse(values.start);
  if (!Number.isFinite(start)) problems.push(`--start must be an ISO time such as 2026-11-20T09:25:00-05:00 (got ${JSON.stringify(values.start)})`);
  const everyMin = values.every === undefined ? 3 : Number(values.every);
  if (!(everyMin >= 0.1 && everyMin <= 390)) problems.push(`--every must be a number of minutes from 0.1 to 390 (got ${JSON.stringify(values.every)})`);
  const dataDir = path.resolve(cwd, values['data-dir'] ?? DEFAULT_DIR);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, options: { speed, start, everyMin, dataDir } };
}

/** empties the demo's directory (creating it), refusing one that holds anything but a demo's data */
export function prepareDemoDir(dir: string): void {
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    if (entries.length > 0 && !entries.includes(DEMO_MARKER)) {
      throw new Error(`${dir} is not empty and is not a demo's directory (no ${DEMO_MARKER} in it): choose another --data-dir`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, DEMO_MARKER), 'made by npm run demo; the whole directory is cleared at its next start\n');
}

/** the environment the demo's Keel is configured from: nothing that could reach paper or live data */
export function demoEnv(env: NodeJS.ProcessEnv, dataDir: string): NodeJS.ProcessEnv {
  const keep: NodeJS.ProcessEnv = { KEEL_DATA_DIR: dataDir };
  for (const name of ['PORT', 'HOST', 'KEEL_LOG_FORMAT', 'PATH', 'HOME']) if (env[name] !== undefined) keep[name] = env[name];
  return keep;
}

/** full_auto, started, then one signal every `everyMin` of market time while the session is open */
export async function demoFeed(keel: KeelService, clock: Clock, everyMin: number, signal: AbortSignal, say: (line: string) => void): Promise<void> {
  const api = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${keel.url}${route}`, {
      method, signal,
      headers: { Authorization: `Bearer ${keel.token.token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const config = await api('PATCH', '/api/bot/config', DEMO_SETTINGS);
  if (config.status !== 200) throw new Error(`the demo could not apply its settings: ${JSON.stringify(config.body)}`);
  const started = await api('POST', '/api/bot/start');
  say(`demo: bot ${String(started.body.state ?? started.status)}; settings ${JSON.stringify(DEMO_SETTINGS)}; a signal every ${everyMin} min of market time while the market is open`);
  for (let n = 1; ; n++) {
    await clock.sleep(everyMin * 60_000, signal);
    const now = clock.now();
    if (!isRegularSessionOpen(now)) continue;
    const feed = FEED[(n - 1) % FEED.length]!;
    const id = `demo-${etDate(now)}-${n}`;
    const answer = await api('POST', '/api/signals', { id, side: 'buy', ...feed });
    const outcome = answer.status === 202 ? `${String(answer.body.outcome)}${answer.body.reason ? ` (${String(answer.body.reason)})` : ''}` : `refused ${answer.status}`;
    say(`demo: ${formatEt(now)} ET  ${id}  ${feed.symbol} ${feed.catalystType} tier ${feed.catalystTier} → ${outcome}`);
  }
}
