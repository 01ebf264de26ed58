/**
 * Throttled peak persistence: the books track peaks on every tick in memory; every `periodMs` of
 * the injected clock the peaks that ROSE are handed to their actors to persist (and always on
 * stop, so a restart resumes the trailing stop from the latest peak).
 */
import type { SymbolBook } from '../core/exits/symbol-book.js';
import type { Clock } from '../ports/clock.port.js';

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
