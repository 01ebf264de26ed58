/** One live trade per symbol: a pending, open or exiting trade blocks a second entry. */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const duplicateSymbolCheck: EntryCheck = {
  name: 'duplicate-symbol',
  check: ({ signal, liveSymbols }) =>
    liveSymbols.has(signal.symbol)
      ? deny('DUPLICATE_SYMBOL', `${signal.symbol} already has a live trade`, { symbol: signal.symbol })
      : null,
};
