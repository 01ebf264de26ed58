/**
 * Where a backtest's 1-minute bars come from (--bars):
 *  - a file (.csv, or .jsonl / .ndjson) or a directory of them: read by adapters/backtest/bars-file.ts,
 *    every problem named with its file and line; a symbol's minute in two files is a problem too;
 *  - `synthetic`: the simulated exchange's seeded price walk for the signals' symbols, over the
 *    regular sessions of the run's dates: works with nothing configured, the same every time;
 *  - `alpaca`: Alpaca's historical bars (GET /v2/stocks/bars, paged by next_page_token) for the
 *    signals' symbols and dates, with the paper keys (ALPACA_API_KEY / ALPACA_API_SECRET, and
 *    ALPACA_DATA_URL when set), saved as JSON Lines under the cache directory and read from there
 *    the next time the same symbols and dates are asked for.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Bar } from '../../domain/market-data.js';
import { etDate } from '../../domain/market-time.js';
import { calendarDay, sessionTimes, tradingDays } from '../../core/calendar/nyse-calendar.js';
import { parseBarsText } from '../../adapters/backtest/bars-file.js';
import { SimMarket } from '../../adapters/sim/market/sim-market.js';
import { DEFAULT_SYMBOL_PRICES } from '../../adapters/sim/market/default-symbols.js';
import { createAlpacaAdapters, resolveAlpacaUrls } from '../../adapters/alpaca/index.js';
import { systemClock } from '../../clock/system.clock.js';
import { shownProblems } from '../../lib/problem-list.js';
import { errorText } from '../../lib/error-text.js';

export type BarsLoaded = { ok: true; bars: Bar[]; description: string } | { ok: false; problems: string[] };

export interface BarsRequest {
  source: string;
  /** the signals' symbols (synthetic and alpaca fetch these) and their prices at the signal, when given */
  symbols: ReadonlyMap<string, number | null>;
  /** New York dates, inclusive */
  firstDate: string;
  lastDate: string;
  cacheDir: string;
  env: NodeJS.ProcessEnv;
}

const BAR_FILE = /\.(csv|jsonl|ndjson)$/i;

export async function loadBars(req: BarsRequest): Promise<BarsLoaded> {
  if (req.source === 'synthetic') return syntheticBars(req);
  if (req.source === 'alpaca') return alpacaBars(req);
  if (!existsSync(req.source)) return { ok: false, problems: [`--bars ${req.source}: no such file or directory`] };
  const files = (await stat(req.source)).isDirectory()
    ? (await readdir(req.source)).filter((f) => BAR_FILE.test(f)).sort().map((f) => path.join(req.source, f))
    : [req.source];
  if (files.length === 0) return { ok: false, problems: [`--bars ${req.source}: no .csv or .jsonl file in it`] };
  const problems: string[] = [];
  const bars: Bar[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const name = path.basename(file);
    const read = parseBarsText(await readFile(file, 'utf8'), /\.csv$/i.test(file) ? 'csv' : 'jsonl');
    if (!read.ok) {
      problems.push(...read.problems.map((p) => `${name}: ${p}`));
      continue;
    }
    for (const bar of read.bars) {
      const key = `${bar.symbol}@${bar.t}`;
      const first = seen.get(key);
      if (first !== undefined) problems.push(`${name}: a second bar for ${bar.symbol} at ${new Date(bar.t).toISOString()} (also in ${first})`);
      else seen.set(key, name);
      bars.push(bar);
    }
  }
  if (problems.length > 0) return { ok: false, problems: shownProblems(problems) };
  return { ok: true, bars, description: `${bars.length} bars from ${files.length === 1 ? files[0] : `${files.length} files in ${req.source}`}` };
}

function sessions(req: BarsRequest): Array<{ open: number; close: number }> {
  return tradingDays(req.firstDate, req.lastDate).map((day) => sessionTimes(day));
}

function syntheticBars(req: BarsRequest): BarsLoaded {
  const days = sessions(req);
  if (days.length === 0) return { ok: false, problems: [`no trading day from ${req.firstDate} to ${req.lastDate}`] };
  const end = days[days.length - 1]!.close;
  const bases: Record<string, number> = {};
  for (const [symbol, price] of req.symbols) bases[symbol] = price ?? DEFAULT_SYMBOL_PRICES[symbol] ?? 20;
  const market = new SimMarket({ seed: 1, symbols: bases, stepMs: 1_000, pinnedOpen: false, now: () => end + 60_000 });
  const bars: Bar[] = [];
  for (const symbol of Object.keys(bases)) {
    for (const s of days) bars.push(...market.bars(symbol, { unit: 'min', ms: 60_000 }, s.open, s.close - 60_000));
  }
  return { ok: true, bars, description: `${bars.length} synthetic bars (the simulated exchange's seeded walk) for ${Object.keys(bases).join(', ')}` };
}

async function alpacaBars(req: BarsRequest): Promise<BarsLoaded> {
  const symbols = [...req.symbols.keys()].sort();
  const days = sessions(req);
  if (days.length === 0) return { ok: false, problems: [`no trading day from ${req.firstDate} to ${req.lastDate}`] };
  const key = createHash('sha256').update(JSON.stringify({ symbols, from: req.firstDate, to: req.lastDate, data: req.env.ALPACA_DATA_URL ?? null })).digest('hex').slice(0, 16);
  const cached = path.join(req.cacheDir, `alpaca-bars-${req.firstDate}-${req.lastDate}-${key}.jsonl`);
  if (existsSync(cached)) {
    const read = parseBarsText(await readFile(cached, 'utf8'), 'jsonl');
    if (read.ok) return { ok: true, bars: read.bars, description: `${read.bars.length} Alpaca bars from the cache ${cached}` };
  }
  const resolved = resolveAlpacaUrls(req.env, 'paper');
  if (!resolved.credentials) return { ok: false, problems: [`--bars alpaca needs the paper keys: ${resolved.problems.join('; ')}`] };
  try {
    const { marketData } = createAlpacaAdapters(resolved, { clock: systemClock, random: Math.random });
    const got = await marketData.getBars({ symbols, timeframe: '1Min', start: days[0]!.open, end: days[days.length - 1]!.close - 1, limit: 10_000 });
    const inSession = (t: number) => { const d = calendarDay(etDate(t)); return d !== null && t >= sessionTimes(d).open && t < sessionTimes(d).close; };
    const bars = Object.values(got).flat().filter((b) => inSession(b.t));
    if (bars.length === 0) return { ok: false, problems: [`Alpaca returned no bars for ${symbols.join(', ')} from ${req.firstDate} to ${req.lastDate}`] };
    await mkdir(req.cacheDir, { recursive: true });
    await writeFile(cached, bars.map((b) => JSON.stringify({ S: b.symbol, t: new Date(b.t).toISOString(), o: b.o, h: b.h, l: b.l, c: b.c, v: b.v })).join('\n') + '\n');
    return { ok: true, bars, description: `${bars.length} Alpaca bars (saved to ${cached})` };
  } catch (error) {
    return { ok: false, problems: [`--bars alpaca: the bars could not be fetched: ${errorText(error)}`] };
  }
}
