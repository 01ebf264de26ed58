/**
 * The trailing stop's peak across time and restarts.
 *  - Throttled persistence: the books track peaks on every tick in memory; every `periodMs` of the
 *    injected clock the peaks that ROSE are handed to their actors to persist (and always on stop).
 *  - Rebuild on resume: a crash loses up to one period of peak (kill -9 just after a new high), so a
 *    restored open position takes max(saved peak, the highest 1-minute bar high since its fill) from
 *    the market's own record. The bar of the fill's minute is included: a high in that first minute
 *    counts, at the price of also counting the minute's prices just before the fill (a peak too high
 *    only tightens the stop, a peak too low lets a fall through). Bars are published once their
 *    minute has ended, so the read is repeated once after the restart's own minute is out. A failed
 *    read keeps the saved peak (warned and journaled) and never holds up the position's supervision.
 */
import { errorText } from '../lib/error-text.js';
import type { SymbolBook } from '../core/exits/symbol-book.js';
import type { JournalInput } from '../domain/journal.js';
import type { EpochMs } from '../domain/time.js';
import type { Clock } from '../ports/clock.port.js';
import type { MarketDataPort } from '../ports/market-data.port.js';

const MINUTE_MS = 60_000;
/** how long after its minute a bar is assumed to be served by the data API */
const BAR_PUBLISH_LAG_MS = 10_000;

export interface PeakHolder {
  view: { peakPrice: number };
  flushPeak(): void;
}

export function flushPeaks(books: readonly SymbolBook[], holderOf: (tradeId: string) => PeakHolder | undefined): void {
  for (const book of books) {
    for (const change of book.peakChanges()) {
      const holder = holderOf(change.tradeId);
      if (!holder) continue;
      holder.view.peakPrice = Math.max(holder.view.peakPrice, change.peakPrice);
      holder.flushPeak();
    }
  }
}

/** runs `flush` every `periodMs` until `signal` aborts or `current()` turns false */
export async function runPeakLoop(opts: {
  clock: Clock;
  periodMs: number;
  signal: AbortSignal;
  current: () => boolean;
  flush: () => void;
  warn: (message: string, error?: unknown) => void;
}): Promise<void> {
  try {
    while (opts.current()) {
      await opts.clock.sleep(opts.periodMs, opts.signal);
      opts.flush();
    }
  } catch (error) {
    if (!opts.signal.aborted) opts.warn('peak persistence stopped', error);
  }
}

/** the highest high of the symbol's 1-minute bars from the minute of `since` on; null when none */
export async function marketHighSince(marketData: MarketDataPort, symbol: string, since: EpochMs): Promise<number | null> {
  const start = Math.floor(since / MINUTE_MS) * MINUTE_MS;
  const bars = (await marketData.getBars({ symbols: [symbol], timeframe: '1Min', start }))[symbol] ?? [];
  let high = -Infinity;
  for (const bar of bars) if (bar.h > high && Number.isFinite(bar.h)) high = bar.h;
  return high > 0 ? high : null;
}

export interface PeakRebuildDeps {
  marketData: MarketDataPort;
  clock: Clock;
  signal: AbortSignal;
  /** the position is still open and tracked by this run */
  open(): boolean;
  /** raises the position's peak to `high`; true when it was higher than the live peak */
  raise(high: number): boolean;
  journal(entry: JournalInput): Promise<unknown>;
  warn(message: string, error?: unknown): void;
}

/** rebuilds a restored open position's peak from the bars since its fill (see the header); never rejects */
export async function rebuildPeak(position: { tradeId: string; symbol: string; entryAt: EpochMs; peakPrice: number }, deps: PeakRebuildDeps): Promise<void> {
  const { tradeId, symbol, entryAt } = position;
  const saved = position.peakPrice;
  const restartMinuteOut = (Math.floor(deps.clock.now() / MINUTE_MS) + 1) * MINUTE_MS + BAR_PUBLISH_LAG_MS;
  try {
    for (const attempt of [1, 2]) {
      if (attempt === 2) await deps.clock.sleep(Math.max(0, restartMinuteOut - deps.clock.now()), deps.signal);
      if (!deps.open()) return;
      let high: number | null;
      try {
        high = await marketHighSince(deps.marketData, symbol, entryAt);
      } catch (error) {
        if (deps.signal.aborted) return;
        const message = `${symbol}: the 1-minute bars since the fill could not be read (${errorText(error)}); the trailing stop keeps the saved peak ${saved}`;
        deps.warn(`trade ${tradeId}: ${message}`, error);
        await deps.journal({ kind: 'warning', cause: 'market_data', subject: tradeId, message, data: { tradeId, savedPeak: saved, attempt } }).catch((e: unknown) => deps.warn(`trade ${tradeId}: journal failed`, e));
        continue;
      }
      if (high === null || !deps.open() || !deps.raise(high)) continue;
      await deps.journal({
        kind: 'trade_update', cause: 'market_data', subject: tradeId,
        message: `${symbol}: peak rebuilt from the 1-minute bars since the fill: ${high} (saved ${saved})`,
        data: { tradeId, peakPrice: high, savedPeak: saved },
      }).catch((e: unknown) => deps.warn(`trade ${tradeId}: journal failed`, e));
    }
  } catch (error) {
    if (!deps.signal.aborted) deps.warn(`trade ${tradeId}: peak rebuild stopped`, error);
  }
}
