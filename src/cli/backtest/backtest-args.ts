/**
 * `npm run backtest` options, every problem at once (nothing runs on a bad command line):
 *   --signals FILE            JSON Lines: each line a POST /api/signals body plus "at" (RFC 3339)
 *   --bars SOURCE             a bars file (.csv / .jsonl), a directory of them, `synthetic` (the
 *                             simulated exchange's seeded walk, nothing to configure) or `alpaca`
 *                             (Alpaca's historical bars with the paper keys, cached on disk); default synthetic
 *   --from D / --to D         New York dates (YYYY-MM-DD), inclusive: only signals and bars inside
 *   --set key=value …         a bot_config field for the run, validated as PATCH /api/bot/config is
 *   --sweep key=v1,v2,… …     a grid of runs over these values, in parallel over the cores
 *   --rank METRIC             expectancy (default), profitFactor, totalPnl or sharpe
 *   --workers N               parallel runs of a sweep (default: the machine's cores)
 *   --out DIR                 where report.json / report.html / sweep.json go (default .keel/backtest/out)
 *   --cash USD                the simulated account's starting cash (default 100000)
 *   --data-dir DIR            the throwaway PostgreSQL (pg/) and the Alpaca bars cache (cache/); default .keel/backtest
 * Values of --set and --sweep are JSON where they parse as JSON (numbers, null, true/false, "text"),
 * else text: `--set executionMode=full_auto --set trailingStopPct=null`.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { botSettingsPatchSchema } from '../../http/bot-settings.schema.js';
import { etWallToEpoch, isDateString, addDays } from '../../domain/market-time.js';
import { errorText } from '../../lib/error-text.js';

export const RANK_METRICS = ['expectancy', 'profitFactor', 'totalPnl', 'sharpe'] as const;
export type RankMetric = (typeof RANK_METRICS)[number];

export interface BacktestOptions {
  signals: string;
  /** a path, or 'synthetic' / 'alpaca' */
  bars: string;
  /** epoch ms bounds: 00:00 New York of --from, 00:00 of the day after --to */
  from: number | null;
  to: number | null;
  set: Record<string, unknown>;
  /** key → the values to try, in the order given */
  sweep: Array<{ key: string; values: unknown[] }>;
  rank: RankMetric;
  workers: number | null;
  out: string;
  cash: number;
  dataDir: string;
}

export const BACKTEST_USAGE = `usage: npm run backtest -- --signals FILE [--bars FILE|DIR|synthetic|alpaca] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                         [--set key=value …] [--sweep key=v1,v2,… …] [--rank expectancy|profitFactor|totalPnl|sharpe]
                         [--workers N] [--out DIR] [--cash USD] [--data-dir DIR]`;

/** JSON where it parses (5, null, true, "x"), else the text itself */
export function settingValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function pairs(list: string[] | undefined, flag: string, problems: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) problems.push(`${flag} ${JSON.stringify(item)}: expected key=value`);
    else out.push([item.slice(0, eq), item.slice(eq + 1)]);
  }
  return out;
}

/** the settings a run would PATCH, checked by the route's own schema: every problem, by field */
export function settingsProblems(settings: Record<string, unknown>, label: string): string[] {
  const parsed = botSettingsPatchSchema.safeParse(settings);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${label} ${i.path.join('.') || '(settings)'}: ${i.message}`);
}

export function readBacktestArgs(args: string[], cwd: string): { ok: true; options: BacktestOptions } | { ok: false; problems: string[] } | { ok: 'help' } {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        signals: { type: 'string' }, bars: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' },
        set: { type: 'string', multiple: true }, sweep: { type: 'string', multiple: true }, rank: { type: 'string' },
        workers: { type: 'string' }, out: { type: 'string' }, cash: { type: 'string' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { ok: false, problems: [errorText(error)] };
  }
  if (values.help) return { ok: 'help' };
  const problems: string[] = [];
  if (!values.signals) problems.push('--signals FILE is required (JSON Lines of POST /api/signals bodies with "at")');
  const date = (flag: string, text: string | undefined): string | null => {
    if (text === undefined) return null;
    if (isDateString(text) && addDays(text, 0) === text) return text;
    problems.push(`${flag} must be a New York date YYYY-MM-DD (got ${JSON.stringify(text)})`);
    return null;
  };
  const fromDate = date('--from', values.from);
  const toDate = date('--to', values.to);
  if (fromDate && toDate && fromDate > toDate) problems.push(`--from ${fromDate} is after --to ${toDate}`);
  const set = Object.fromEntries(pairs(values.set, '--set', problems).map(([k, v]) => [k, settingValue(v)]));
  problems.push(...settingsProblems(set, '--set'));
  const sweep = pairs(values.sweep, '--sweep', problems).map(([key, list]) => ({ key, values: list.split(',').map(settingValue) }));
  for (const { key, values: vs } of sweep) {
    if (key in set) problems.push(`--sweep ${key} is also --set: give it in one of them`);
    for (const v of vs) problems.push(...settingsProblems({ ...set, [key]: v }, `--sweep ${key}=${JSON.stringify(v)}:`));
  }
  if (new Set(sweep.map((s) => s.key)).size !== sweep.length) problems.push('--sweep names a key twice');
  const rank = (values.rank ?? 'expectancy') as RankMetric;
  if (!RANK_METRICS.includes(rank)) problems.push(`--rank must be one of ${RANK_METRICS.join(', ')} (got ${JSON.stringify(values.rank)})`);
  const workers = values.workers === undefined ? null : Number(values.workers);
  if (workers !== null && !(Number.isInteger(workers) && workers >= 1 && workers <= 64)) problems.push(`--workers must be a whole number from 1 to 64 (got ${JSON.stringify(values.workers)})`);
  const cash = values.cash === undefined ? 100_000 : Number(values.cash);
  if (!(cash >= 100 && cash <= 1e9)) problems.push(`--cash must be an amount from 100 to 1000000000 (got ${JSON.stringify(values.cash)})`);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    options: {
      signals: path.resolve(cwd, values.signals!),
      bars: values.bars === undefined || values.bars === 'synthetic' || values.bars === 'alpaca' ? (values.bars ?? 'synthetic') : path.resolve(cwd, values.bars),
      from: fromDate ? etWallToEpoch(fromDate, 0, 0) : null,
      to: toDate ? etWallToEpoch(addDays(toDate, 1), 0, 0) - 1 : null,
      set, sweep, rank, workers, cash,
      out: path.resolve(cwd, values.out ?? '.keel/backtest/out'),
      dataDir: path.resolve(cwd, values['data-dir'] ?? '.keel/backtest'),
    },
  };
}
