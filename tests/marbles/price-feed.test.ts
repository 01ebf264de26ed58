/**
 * The shared price feed (streams/price-feed.ts) in virtual time: the market-data stream as a hot
 * marble, the snapshot REST behind a fake port whose answers settle in virtual time (at once, later,
 * or failed), the poll on the TestScheduler. Ticks are shown as "<source initial><price>".
 */
import { map, NEVER, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { Snapshot, Trade } from '../../src/domain/market-data.js';
import type { MarketDataEvent, MarketDataPort, MarketDataStreamPort } from '../../src/ports/market-data.port.js';
import { PriceFeed } from '../../src/streams/price-feed.js';

type Helpers = Parameters<Parameters<TestScheduler['run']>[0]>[0];

/** a promise settled in virtual time: its callbacks run synchronously when it settles */
class VirtualPromise<T> implements PromiseLike<T> {
  private state: 'pending' | 'ok' | 'failed' = 'pending';
  private value: unknown;
  private readonly waiting: Array<() => void> = [];

  static of<T>(value: T): VirtualPromise<T> {
    const p = new VirtualPromise<T>();
    p.settle('ok', value);
    return p;
  }

  settle(state: 'ok' | 'failed', value: unknown): void {
    if (this.state !== 'pending') return;
    this.state = state;
    this.value = value;
    for (const run of this.waiting.splice(0)) run();
  }

  then<A = T, B = never>(onOk?: ((value: T) => A | PromiseLike<A>) | null, onFail?: ((reason: unknown) => B | PromiseLike<B>) | null): VirtualPromise<A | B> {
    const next = new VirtualPromise<A | B>();
    const run = () => {
      try {
        if (this.state === 'ok') next.settle('ok', onOk ? onOk(this.value as T) : this.value);
        else if (onFail) next.settle('ok', onFail(this.value));
        else next.settle('failed', this.value);
      } catch (error) {
        next.settle('failed', error);
      }
    };
    if (this.state === 'pending') this.waiting.push(run);
    else run();
    return next;
  }

  finally(f: () => void): VirtualPromise<T> {
    return this.then((v) => { f(); return v; }, (e: unknown) => { f(); throw e; });
  }
}

const trade = (symbol: string, t: number, price: number): Trade => ({ symbol, t, price, size: 100, exchange: 'V', id: null, conditions: [], tape: 'C' });
const live = (symbol: string, t: number, price: number): MarketDataEvent => ({ type: 'trade', trade: trade(symbol, t, price) });
const snapshotOf = (symbol: string, t: number, price: number): Snapshot => ({ symbol, latestTrade: trade(symbol, t, price), latestQuote: null, minuteBar: null, dailyBar: null, prevDailyBar: null });

interface Rig {
  feed: PriceFeed;
  /** the latest trade the snapshot endpoint answers per symbol (absent: no data) */
  market: Map<string, { t: number; price: number }>;
  polls: Array<{ at: number; symbols: string[] }>;
  /** stream subscription changes, "<frame>:sub|unsub:<symbols>" */
  subscriptions: string[];
  errors: number;
  /** the next poll answers are these (then the market's, at once) */
  answers: Array<(symbols: string[]) => VirtualPromise<Record<string, Snapshot>>>;
  at(frame: number, work: () => void): void;
  prices(symbol: string): Observable<string>;
}

function rig(scheduler: TestScheduler, events$: Observable<MarketDataEvent>, pollEveryMs: number): Rig {
  const r: Rig = {
    feed: null as unknown as PriceFeed, market: new Map(), polls: [], subscriptions: [], errors: 0, answers: [],
    at: (frame, work) => { scheduler.schedule(work, frame - scheduler.now()); },
    prices: (symbol) => r.feed.watch(symbol).pipe(map((tick) => `${tick.source[0]}${tick.price}`)),
  };
  const fromMarket = (symbols: string[]) => {
    const out: Record<string, Snapshot> = {};
    for (const symbol of symbols) {
      const latest = r.market.get(symbol);
      if (latest) out[symbol] = snapshotOf(symbol, latest.t, latest.price);
    }
    return out;
  };
  const marketData: MarketDataPort = {
    getSnapshots: (symbols) => {
      r.polls.push({ at: scheduler.now(), symbols: [...symbols] });
      const answer = r.answers.shift();
      return (answer ? answer(symbols) : VirtualPromise.of(fromMarket(symbols))) as unknown as Promise<Record<string, Snapshot>>;
    },
    getLatestTrades: () => Promise.reject(new Error('not used')),
    getBars: () => Promise.reject(new Error('not used')),
  };
  const stream: MarketDataStreamPort = {
    events$,
    subscribe: (d) => { r.subscriptions.push(`${scheduler.now()}:sub:${d.trades?.join(',')}`); },
    unsubscribe: (d) => { r.subscriptions.push(`${scheduler.now()}:unsub:${d.trades?.join(',')}`); },
    start: () => undefined,
    stop: async () => undefined,
  };
  r.feed = new PriceFeed({ stream, marketData, scheduler, pollEveryMs, onError: () => { r.errors++; } });
  return r;
}

function marbles(test: (h: Helpers, scheduler: TestScheduler) => void): void {
  const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  scheduler.run((h) => test(h, scheduler));
}

describe('PriceFeed (marbles)', () => {
  it('passes the stream\'s trades of a watched symbol to every watcher, and no other symbol\'s; one stream subscription per symbol', () => {
    let r!: Rig;
    marbles(({ hot, expectObservable }, scheduler) => {
      r = rig(scheduler, hot('-a-b-c', { a: live('AAPL', 1, 10), b: live('MSFT', 2, 20), c: live('AAPL', 3, 11) }), 1_000);
      expectObservable(r.prices('AAPL')).toBe('-a---c----|', { a: 's10', c: 's11' });
      expectObservable(r.prices('AAPL')).toBe('-a---c----|', { a: 's10', c: 's11' });
      r.at(10, () => r.feed.stop());
    });
    expect(r.subscriptions).toEqual(['0:sub:AAPL', '10:unsub:AAPL']);
    expect(r.polls).toEqual([]);
  });

  it('subscribes a symbol at its first watcher and unsubscribes it after its last, with its poll', () => {
    let r!: Rig;
    marbles(({ expectObservable }, scheduler) => {
      r = rig(scheduler, NEVER, 10);
      r.market.set('AAPL', { t: 5, price: 10 });
      expectObservable(r.prices('AAPL'), '^--!').toBe('');
      expectObservable(r.prices('AAPL'), '^-----!').toBe('');
      expectObservable(r.prices('AAPL'), '------^------------!').toBe('16ms s', { s: 's10' });
    });
    expect(r.subscriptions).toEqual(['0:sub:AAPL', '6:unsub:AAPL', '6:sub:AAPL', '19:unsub:AAPL']);
    // the first watchers' poll went with them; the new watch polls a period after it began
    expect(r.polls).toEqual([{ at: 16, symbols: ['AAPL'] }]);
  });

  it('polls the symbols with no live trade during a whole period, all in one request', () => {
    let r!: Rig;
    marbles(({ hot, expectObservable }, scheduler) => {
      r = rig(scheduler, hot('--a 9ms b', { a: live('AAPL', 2, 10), b: live('AAPL', 12, 11) }), 10);
      r.market.set('AAPL', { t: 12, price: 11 }).set('MSFT', { t: 1, price: 50 }).set('TSLA', { t: 1, price: 70 });
      expectObservable(r.prices('AAPL')).toBe('--a 9ms b 12ms |', { a: 's10', b: 's11' });
      expectObservable(r.prices('MSFT')).toBe('10ms m 14ms |', { m: 's50' });
      expectObservable(r.prices('TSLA')).toBe('10ms t 14ms |', { t: 's70' });
      r.at(25, () => r.feed.stop());
    });
    expect(r.polls).toEqual([{ at: 10, symbols: ['MSFT', 'TSLA'] }, { at: 20, symbols: ['MSFT', 'TSLA'] }]);
  });

  it('emits a snapshot only when it is newer than every tick of its symbol', () => {
    let r!: Rig;
    marbles(({ hot, expectObservable }, scheduler) => {
      r = rig(scheduler, hot('--a', { a: live('AAPL', 1_000, 10) }), 10);
      r.market.set('AAPL', { t: 1_000, price: 10 }); // the same trade as the stream's
      r.at(25, () => r.market.set('AAPL', { t: 900, price: 9 })); // older than the stream's
      r.at(35, () => r.market.set('AAPL', { t: 1_500, price: 12 }));
      expectObservable(r.prices('AAPL')).toBe('--a 37ms s 4ms |', { a: 's10', s: 's12' });
      r.at(45, () => r.feed.stop());
    });
    expect(r.polls.map((p) => p.at)).toEqual([20, 30, 40]);
  });

  it('never overlaps polls (a slow answer makes the next period skip) and retries a failed poll the next period', () => {
    let r!: Rig;
    marbles(({ expectObservable }, scheduler) => {
      r = rig(scheduler, NEVER, 10);
      r.answers.push((symbols) => {
        const slow = new VirtualPromise<Record<string, Snapshot>>();
        r.at(25, () => slow.settle('ok', { [symbols[0]!]: snapshotOf('MSFT', 100, 50) }));
        return slow;
      });
      r.answers.push(() => {
        const failed = new VirtualPromise<Record<string, Snapshot>>();
        failed.settle('failed', new Error('HTTP 500'));
        return failed;
      });
      r.market.set('MSFT', { t: 200, price: 51 });
      expectObservable(r.prices('MSFT')).toBe('25ms a 14ms b 4ms |', { a: 's50', b: 's51' });
      r.at(45, () => r.feed.stop());
    });
    expect(r.polls.map((p) => p.at)).toEqual([10, 30, 40]);
    expect(r.errors).toBe(1);
  });

  it('tells when it last confirmed a price: the watch\'s start, a snapshot\'s answer, or the start of a period that heard a live trade', () => {
    const seen: Array<Array<number | null>> = [];
    marbles(({ hot, expectObservable }, scheduler) => {
      const r = rig(scheduler, hot('13ms a', { a: live('AAPL', 13, 10) }), 10);
      r.market.set('MSFT', { t: 1, price: 50 }); // no snapshot data for AAPL
      expectObservable(r.prices('AAPL'), '^ 24ms !').toBe('13ms a', { a: 's10' });
      expectObservable(r.prices('MSFT'), '^ 24ms !').toBe('10ms m', { m: 's50' });
      const freshness = () => seen.push([r.feed.freshAt('AAPL'), r.feed.freshAt('MSFT'), r.feed.freshAt('NOPE')]);
      r.at(5, freshness);
      r.at(11, freshness);
      r.at(21, freshness);
    });
    expect(seen).toEqual([[0, 0, null], [0, 10, null], [10, 20, null]]);
  });

  it('refreshes watched symbols on demand in one request, ignores unwatched ones, and defers to a poll in flight', () => {
    let r!: Rig;
    marbles(({ expectObservable }, scheduler) => {
      r = rig(scheduler, NEVER, 100);
      r.answers.push((symbols) => {
        const slow = new VirtualPromise<Record<string, Snapshot>>();
        r.at(15, () => slow.settle('ok', Object.fromEntries(symbols.map((s) => [s, snapshotOf(s, 7, s === 'MSFT' ? 50 : 10)]))));
        return slow;
      });
      r.market.set('MSFT', { t: 7, price: 50 });
      expectObservable(r.prices('MSFT')).toBe('15ms m 14ms |', { m: 's50' });
      expectObservable(r.prices('AAPL')).toBe('15ms a 14ms |', { a: 's10' });
      r.at(5, () => void r.feed.refresh(['MSFT', 'AAPL', 'NOPE']));
      r.at(8, () => void r.feed.refresh(['MSFT']));
      r.at(20, () => void r.feed.refresh(['MSFT'])); // answers the same trade: nothing new to emit
      r.at(30, () => r.feed.stop());
    });
    expect(r.polls).toEqual([{ at: 5, symbols: ['MSFT', 'AAPL'] }, { at: 20, symbols: ['MSFT'] }]);
  });

  it('delivers a fill pushed for a watched symbol (a snapshot no newer is then not re-emitted) and drops one for an unwatched symbol', () => {
    marbles(({ expectObservable }, scheduler) => {
      const r = rig(scheduler, NEVER, 10);
      r.market.set('AAPL', { t: 5, price: 10 });
      expectObservable(r.prices('AAPL')).toBe('---f 11ms |', { f: 'f10' });
      r.at(3, () => {
        r.feed.push({ symbol: 'AAPL', price: 10, at: 5, source: 'fill' });
        r.feed.push({ symbol: 'MSFT', price: 20, at: 5, source: 'fill' });
      });
      r.at(15, () => r.feed.stop());
    });
  });
});
