/**
 * A backtest's inputs read and checked before anything runs: the signals file, then the bars for
 * the signals' symbols and dates (bars-source.ts). Every problem is reported; nothing is started
 * for an input that would be refused.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Bar } from '../../domain/market-data.js';
import { etDate } from '../../domain/market-time.js';
import { errorText } from '../../lib/error-text.js';
import type { BacktestSignal } from '../../service/backtest/run-backtest.js';
import type { BacktestOptions } from './backtest-args.js';
import { loadBars } from './bars-source.js';
import { parseSignalsText } from './signals-file.js';

export interface BacktestInputs {
  signals: BacktestSignal[];
  bars: Bar[];
  /** what was read, for the banner */
  described: string[];
}

export async function readInputs(options: BacktestOptions, env: NodeJS.ProcessEnv): Promise<{ ok: true; inputs: BacktestInputs } | { ok: false; problems: string[] }> {
  let text: string;
  try {
    text = await readFile(options.signals, 'utf8');
  } catch (error) {
    return { ok: false, problems: [`--signals ${options.signals}: ${errorText(error)}`] };
  }
  const read = parseSignalsText(text);
  if (!read.ok) return { ok: false, problems: read.problems.map((p) => `${path.basename(options.signals)}: ${p}`) };
  const inWindow = (t: number) => (options.from === null || t >= options.from) && (options.to === null || t <= options.to);
  const signals = read.signals.filter((s) => inWindow(s.at));
  if (signals.length === 0) return { ok: false, problems: ['no signal falls between --from and --to'] };
  const symbols = new Map<string, number | null>();
  for (const s of signals) if (!symbols.has(s.input.symbol)) symbols.set(s.input.symbol, s.input.priceAtSignal?.toNumber() ?? null);
  const bars = await loadBars({
    source: options.bars, symbols,
    firstDate: options.from === null ? etDate(signals[0]!.at) : etDate(options.from),
    lastDate: options.to === null ? etDate(signals[signals.length - 1]!.at) : etDate(options.to),
    cacheDir: path.join(options.dataDir, 'cache'), env,
  });
  if (!bars.ok) return bars;
  const windowed = bars.bars.filter((b) => inWindow(b.t));
  if (windowed.length === 0) return { ok: false, problems: ['no bar falls between --from and --to'] };
  return {
    ok: true,
    inputs: {
      signals: signals.map((s) => ({ at: s.at, body: s.body })), bars: windowed,
      described: [`${signals.length} signals from ${options.signals}`, bars.description],
    },
  };
}
