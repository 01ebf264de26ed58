/**
 * Alpaca rejects any order whose side is opposite to an OPEN order on the same symbol ("potential
 * wash trade detected", docs/alpaca.md §6), whoever placed that order. Keel only buys to enter, so an
 * open sell on the symbol (a resting exit, or the trader's own order) would get this buy refused:
 * deny it here with a reason instead of collecting a broker rejection. Symbols compare exactly
 * (both sides carry the broker's upper-case ticker).
 */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const washTradeCheck: EntryCheck = {
  name: 'wash-trade',
  check: ({ signal, safety }) =>
    safety.openSellSymbols.has(signal.symbol)
      ? deny(
          'WASH_TRADE_RISK',
          `an open sell order on ${signal.symbol} at the broker: Alpaca would refuse this buy as a potential wash trade`,
          { symbol: signal.symbol },
        )
      : null,
};
