/**
 * Market data on the wire (docs/alpaca.md §8–§9): JSON numbers, single-letter keys; REST objects carry
 * no symbol (it is the map key), stream messages add `T` and `S`. Optional keys (`i`, `n`, `vw`)
 * are omitted when null, as the 2022 stream bars omit `n`/`vw`.
 */
import type { Bar, Quote, Snapshot, Trade } from '../../../domain/market-data.js';
import { toIso } from '../../../domain/time.js';
import { withoutNulls } from './wire-values.js';

export function tradeToWire(trade: Trade): Record<string, unknown> {
  return withoutNulls({
    t: toIso(trade.t), x: trade.exchange, p: trade.price, s: trade.size, c: trade.conditions, i: trade.id, z: trade.tape,
  });
}

export function quoteToWire(quote: Quote): Record<string, unknown> {
  return {
    t: toIso(quote.t),
    bx: quote.bidExchange, bp: quote.bidPrice, bs: quote.bidSize,
    ax: quote.askExchange, ap: quote.askPrice, as: quote.askSize,
    c: quote.conditions, z: quote.tape,
  };
}

export function barToWire(bar: Bar): Record<string, unknown> {
  return withoutNulls({ t: toIso(bar.t), o: bar.o, h: bar.h, l: bar.l, c: bar.c, v: bar.v, n: bar.n, vw: bar.vw });
}

export function snapshotToWire(snapshot: Snapshot): Record<string, unknown> {
  return {
    latestTrade: snapshot.latestTrade && tradeToWire(snapshot.latestTrade),
    latestQuote: snapshot.latestQuote && quoteToWire(snapshot.latestQuote),
    minuteBar: snapshot.minuteBar && barToWire(snapshot.minuteBar),
    dailyBar: snapshot.dailyBar && barToWire(snapshot.dailyBar),
    prevDailyBar: snapshot.prevDailyBar && barToWire(snapshot.prevDailyBar),
  };
}

export function tradeToStreamMessage(trade: Trade): Record<string, unknown> {
  return { T: 't', S: trade.symbol, ...tradeToWire(trade) };
}

export function quoteToStreamMessage(quote: Quote): Record<string, unknown> {
  return { T: 'q', S: quote.symbol, ...quoteToWire(quote) };
}

export function barToStreamMessage(bar: Bar, kind: 'b' | 'u' | 'd'): Record<string, unknown> {
  return { T: kind, S: bar.symbol, ...barToWire(bar) };
}
