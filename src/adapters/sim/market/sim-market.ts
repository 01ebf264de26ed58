/**
 * The simulated market: one deterministic price path per symbol (price-walk.ts), latest
 * trade/quote/snapshot derived from it, and the live event stream produced by sync().
 * Invariants:
 *  - price(symbol) at time t depends only on (seed, symbol, t, the last setPrice) — never on how
 *    often sync() ran;
 *  - setPrice shifts the whole path of that symbol (history included) so that the price now is
 *    exactly the one set; the walk continues from there;
 *  - one sync() emits at most MAX_STEPS_PER_SYNC trade+quote pairs and MAX_BARS_PER_SYNC bars per
 *    symbol (the latest ones), so a jump of days does not loop millions of times.
 * With a bar tape (bar-tape.ts: recorded bars as intrabar paths) the symbols and prices are the
 * tape's: sync() emits a trade + quote for every point of the tape since the last sync (no bars,
 * no cap: a replay must not lose a price), only for the symbols `interest` wants when it is given
 * (a backtest's feed: what Keel subscribed to), and orders execute at the points after they were
 * sent (pricesBetween), never at a price older than the order.
 */
import { Subject } from 'rxjs';
import type { Bar, Quote, Snapshot, Trade } from '../../../domain/market-data.js';
import type { EpochMs } from '../../../domain/time.js';
import { addDays, etWallToEpoch, etDate } from '../../../domain/market-time.js';
import { calendarDay, isExtendedSessionOpen, previousTradingDay, sessionTimes } from '../../../core/calendar/nyse-calendar.js';
import type { SimMarketControl } from '../exchange.types.js';
import { logDeviation, roundPrice, walkKey } from './price-walk.js';
import { replayPriceFn, type ReplayBars } from './bar-replay.js';
import type { BarTape } from './bar-tape.js';
import { aggregate, historyBars, MINUTE, minuteBar, minuteBars, type PricePath, type Timeframe } from './bar-history.js';

const MAX_STEPS_PER_SYNC = 120;
const MAX_BARS_PER_SYNC = 5;

export type MarketEvent = { T: 't'; trade: Trade } | { T: 'q'; quote: Quote } | { T: 'b'; bar: Bar };

export interface SimMarketOptions {
  seed: number;
  symbols: Readonly<Record<string, number>>;
  stepMs: number;
  pinnedOpen: boolean;
  now: () => EpochMs;
  /** recorded bars replacing the generated walk for their symbols (bar-replay.ts) */
  replay?: ReplayBars;
  /** recorded bars as the only symbols and prices (see the header) */
  tape?: BarTape;
  /** with a tape: the symbols whose points are emitted (default: all) */
  interest?: (symbol: string) => boolean;
}

interface SymbolState extends PricePath {
  base: number;
  offset: number;
  replay: ((t: EpochMs) => number) | null;
}

export class SimMarket implements SimMarketControl {
  readonly events$ = new Subject<MarketEvent>();
  private readonly state = new Map<string, SymbolState>();
  private lastSync: EpochMs;
  private tradeSeq = 0;
  /** with a tape: the first timeline point not yet emitted */
  private tapeCursor = 0;
  private readonly dayBars = new Map<string, Bar | null>();

  constructor(private readonly opts: SimMarketOptions) {
    const replay = opts.replay ?? {};
    const tape = opts.tape;
    const bases: Record<string, number> = tape ? {} : { ...opts.symbols };
    if (tape) for (const symbol of tape.symbols) bases[symbol] = tape.priceAt(symbol, tape.start)!;
    else for (const [symbol, bars] of Object.entries(replay)) bases[symbol] = bars[0]!.o;
    for (const [symbol, base] of Object.entries(bases)) {
      const key = walkKey(opts.seed, symbol);
      const recorded = replay[symbol];
      const source = tape ? (t: EpochMs) => tape.priceAt(symbol, t)! : recorded ? replayPriceFn(recorded) : null;
      const s: SymbolState = { symbol, key, base, offset: 0, replay: source, priceAt: (t) => this.pathPrice(s, t) };
      this.state.set(symbol, s);
    }
    this.lastSync = opts.now();
    if (tape) this.tapeCursor = tape.indexAfter(this.lastSync);
  }

  /** the prices at which an order may execute between `after` (exclusive) and now: with a tape,
   *  its points in that span; else the price now */
  pricesBetween(symbol: string, after: EpochMs): number[] {
    const s = this.state.get(symbol);
    if (!s) return [];
    const now = this.opts.now();
    if (!this.opts.tape) return [s.priceAt(now)];
    return this.opts.tape.pricesBetween(symbol, after, now).map((p) => roundPrice(p * Math.exp(s.offset)));
  }

  /** with a tape: the time of the symbol's next point after t (null when none, or without a tape) */
  nextPointAfter(symbol: string, t: EpochMs): EpochMs | null {
    return this.opts.tape?.nextPointAfter(symbol, t) ?? null;
  }

  symbols(): string[] {
    return [...this.state.keys()];
  }

  has(symbol: string): boolean {
    return this.state.has(symbol);
  }

  price(symbol: string): number | null {
    const s = this.state.get(symbol);
    return s ? s.priceAt(this.opts.now()) : null;
  }

  priceAt(symbol: string, t: EpochMs): number | null {
    const s = this.state.get(symbol);
    return s ? s.priceAt(t) : null;
  }

  setPrice(symbol: string, price: number): void {
    const s = this.state.get(symbol);
    if (!s || !(price > 0)) throw new RangeError(`cannot set price ${price} for ${symbol}`);
    const now = this.opts.now();
    s.offset = 0;
    s.offset = Math.log(price) - Math.log(this.rawPrice(s, now));
    this.emitStep(s, now);
  }

  isTrading(t: EpochMs): boolean {
    return this.opts.pinnedOpen || isExtendedSessionOpen(t);
  }

  latestTrade(symbol: string): Trade | null {
    const s = this.state.get(symbol);
    return s ? this.tradeAt(s, this.stepStart(this.opts.now())) : null;
  }

  latestQuote(symbol: string): Quote | null {
    const s = this.state.get(symbol);
    return s ? this.quoteAt(s, this.stepStart(this.opts.now())) : null;
  }

  snapshot(symbol: string): Snapshot | null {
    const s = this.state.get(symbol);
    if (!s) return null;
    const now = this.opts.now();
    if (this.opts.tape) return this.tapeSnapshot(this.opts.tape, symbol, now);
    const today = etDate(now);
    const dayStart = etWallToEpoch(today, 0, 0);
    const prevDay = previousTradingDay(today);
    const minute = minuteBars(s, now - 2 * MINUTE, now, now, this.opts.pinnedOpen);
    return {
      symbol, latestTrade: this.latestTrade(symbol), latestQuote: this.latestQuote(symbol),
      minuteBar: minute[minute.length - 1] ?? null,
      dailyBar: aggregate(minuteBars(s, dayStart, now, now, this.opts.pinnedOpen, true), dayStart),
      prevDailyBar: historyBars(s, { unit: 'day' }, etWallToEpoch(prevDay, 0, 0), etWallToEpoch(prevDay, 0, 0), now, this.opts.pinnedOpen)[0] ?? null,
    };
  }

  bars(symbol: string, tf: Timeframe, start: EpochMs, end: EpochMs): Bar[] {
    const s = this.state.get(symbol);
    if (s && this.opts.tape) return this.tapeHistory(this.opts.tape, symbol, tf, start, end);
    return s ? historyBars(s, tf, start, end, this.opts.now(), this.opts.pinnedOpen) : [];
  }

  /** with a tape, bars are the recorded ones (those complete by now), aggregated for longer timeframes */
  private tapeHistory(tape: BarTape, symbol: string, tf: Timeframe, start: EpochMs, end: EpochMs): Bar[] {
    const now = this.opts.now();
    const done = (from: EpochMs, to: EpochMs) => tape.bars(symbol, from, Math.min(to, now - MINUTE));
    if (tf.unit === 'min') {
      const first = Math.floor(start / tf.ms) * tf.ms;
      const out: Bar[] = [];
      for (let k = first; k <= end; k += tf.ms) {
        const bar = k >= start ? aggregate(done(k, k + tf.ms - MINUTE), k) : null;
        if (bar) out.push(bar);
      }
      return out;
    }
    const out: Bar[] = [];
    for (let d = etDate(start), last = etDate(end); d <= last; d = addDays(d, 1)) {
      const midnight = etWallToEpoch(d, 0, 0);
      const day = this.tapeDay(tape, symbol, d, now);
      if (midnight >= start && midnight <= end && day) out.push(day);
    }
    return out;
  }

  /** a day's regular-session bars aggregated (stamped at ET midnight, as Alpaca does); null without
   *  any. Remembered per last complete minute: every snapshot asks for today's and yesterday's */
  private tapeDay(tape: BarTape, symbol: string, date: string, now: EpochMs): Bar | null {
    const day = calendarDay(date);
    if (!day) return null;
    const s = sessionTimes(day);
    const last = Math.min(s.close - MINUTE, Math.floor(now / MINUTE) * MINUTE - MINUTE);
    const key = `${symbol} ${date} ${last}`;
    let bar = this.dayBars.get(key);
    if (bar === undefined) {
      bar = aggregate(tape.bars(symbol, s.open, last), etWallToEpoch(date, 0, 0));
      if (this.dayBars.size >= 10_000) this.dayBars.clear();
      this.dayBars.set(key, bar);
    }
    return bar;
  }

  private tapeSnapshot(tape: BarTape, symbol: string, now: EpochMs): Snapshot {
    const minute = tape.bars(symbol, now - 2 * MINUTE, now - MINUTE);
    const today = etDate(now);
    return {
      symbol, latestTrade: this.latestTrade(symbol), latestQuote: this.latestQuote(symbol), minuteBar: minute[minute.length - 1] ?? null,
      dailyBar: this.tapeDay(tape, symbol, today, now), prevDailyBar: this.tapeDay(tape, symbol, previousTradingDay(today), now),
    };
  }

  /** emits the trades/quotes of the steps since the last sync and the bars of completed minutes */
  sync(): void {
    const now = this.opts.now();
    const from = this.lastSync;
    this.lastSync = now;
    if (now <= from) return;
    if (this.opts.tape) return this.syncTape(this.opts.tape, now);
    const stepMs = this.opts.stepMs;
    const firstStep = Math.max(Math.floor(from / stepMs) + 1, Math.floor(now / stepMs) - MAX_STEPS_PER_SYNC + 1);
    const firstMinute = Math.max(Math.floor(from / MINUTE), Math.floor(now / MINUTE) - MAX_BARS_PER_SYNC);
    for (const s of this.state.values()) {
      for (let m = firstMinute; m < Math.floor(now / MINUTE); m++) {
        // a bar is emitted once its minute has ended, for minutes that had trading
        if ((m + 1) * MINUTE > from && this.isTrading(m * MINUTE)) this.events$.next({ T: 'b', bar: minuteBar(s, m * MINUTE) });
      }
      for (let k = firstStep; k <= Math.floor(now / stepMs); k++) {
        if (this.isTrading(k * stepMs)) this.emitStep(s, k * stepMs);
      }
    }
  }

  private syncTape(tape: BarTape, now: EpochMs): void {
    const { times, symbolOf, symbols } = tape;
    const interest = this.opts.interest;
    let i = this.tapeCursor;
    for (; i < times.length && times[i]! <= now; i++) {
      const symbol = symbols[symbolOf[i]!]!;
      if (interest && !interest(symbol)) continue;
      this.emitStep(this.state.get(symbol)!, times[i]!);
    }
    this.tapeCursor = i;
  }

  private emitStep(s: SymbolState, t: EpochMs): void {
    this.events$.next({ T: 't', trade: this.tradeAt(s, t) });
    this.events$.next({ T: 'q', quote: this.quoteAt(s, t) });
  }

  private stepStart(t: EpochMs): EpochMs {
    return Math.floor(t / this.opts.stepMs) * this.opts.stepMs;
  }

  private rawPrice(s: SymbolState, t: EpochMs): number {
    const step = Math.floor(t / this.opts.stepMs);
    if (s.replay) return s.replay(step * this.opts.stepMs) * Math.exp(s.offset);
    return s.base * Math.exp(logDeviation(s.key, step) + s.offset);
  }

  private pathPrice(s: SymbolState, t: EpochMs): number {
    return roundPrice(this.rawPrice(s, t));
  }

  private tradeAt(s: SymbolState, t: EpochMs): Trade {
    return {
      symbol: s.symbol, t, price: s.priceAt(t), size: 100, exchange: 'V', id: ++this.tradeSeq,
      conditions: ['@'], tape: 'C',
    };
  }

  private quoteAt(s: SymbolState, t: EpochMs): Quote {
    const p = s.priceAt(t);
    const half = p >= 1 ? Math.max(0.01, Math.round(p * 0.0001 * 100) / 100) : 0.0001;
    return {
      symbol: s.symbol, t, bidExchange: 'V', bidPrice: roundPrice(p - half), bidSize: 200,
      askExchange: 'V', askPrice: roundPrice(p + half), askSize: 200, conditions: ['R'], tape: 'C',
    };
  }
}
