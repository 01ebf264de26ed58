import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { createSimExchange } from '../../src/adapters/sim/engine/sim-exchange.js';
import type { SimResult } from '../../src/adapters/sim/exchange.types.js';
import type { Bar } from '../../src/domain/market-data.js';
import { parseReplay } from '../../src/adapters/sim/market/bar-replay.js';

function value<T>(r: SimResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.status} ${JSON.stringify(r.body)}`);
  return r.value;
}

function pricesOver(seed: number, symbol: string, steps: number): number[] {
  const clock = new ManualClock('2026-11-23T15:00:00Z');
  const ex = createSimExchange({ clock, seed });
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    out.push(ex.market.price(symbol)!);
    clock.advance(1000);
  }
  return out;
}

describe('sim market', () => {
  it('walks the same prices for the same seed and different ones for another seed', () => {
    const a = pricesOver(42, 'NVDA', 200);
    expect(pricesOver(42, 'NVDA', 200)).toEqual(a);
    expect(pricesOver(43, 'NVDA', 200)).not.toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(20);
  });

  it('keeps prices positive, on cents, and near the base price', () => {
    const prices = pricesOver(5, 'FAKEPACA', 500);
    for (const p of prices) {
      expect(Math.round(p * 100) / 100).toBe(p);
      expect(p).toBeGreaterThan(60);
      expect(p).toBeLessThan(160);
    }
  });

  it('does not depend on how often sync runs', () => {
    const c1 = new ManualClock('2026-11-23T15:00:00Z');
    const c2 = new ManualClock('2026-11-23T15:00:00Z');
    const e1 = createSimExchange({ clock: c1, seed: 9 });
    const e2 = createSimExchange({ clock: c2, seed: 9 });
    for (let i = 0; i < 30; i++) {
      c1.advance(1000);
      e1.sync();
    }
    c2.advance(30_000);
    e2.sync();
    expect(e2.market.price('AMD')).toBe(e1.market.price('AMD'));
  });

  it('emits trades and quotes per step and a bar when a minute ends', () => {
    const clock = new ManualClock('2026-11-23T15:00:59Z');
    const ex = createSimExchange({ clock, symbols: { SPY: 600 } });
    const kinds: string[] = [];
    let bar: Bar | null = null;
    ex.marketEvents$.subscribe((e) => {
      kinds.push(e.T);
      if (e.T === 'b') bar = e.bar;
    });
    clock.advance(2000);
    ex.sync();
    expect(kinds).toEqual(['b', 't', 'q', 't', 'q']);
    expect(bar!.t).toBe(Date.parse('2026-11-23T15:00:00Z'));
    expect(ex.latestTrade('SPY')?.price).toBe(ex.market.price('SPY'));
  });

  it('caps the events of one sync after a long jump', () => {
    const clock = new ManualClock('2026-11-23T15:00:00Z');
    const ex = createSimExchange({ clock, symbols: { SPY: 600 } });
    let count = 0;
    ex.marketEvents$.subscribe(() => count++);
    clock.advance(3 * 3_600_000);
    ex.sync();
    expect(count).toBeLessThanOrEqual(2 * 120 + 5);
    expect(count).toBeGreaterThan(0);
  });

  it('sets a price now and emits it on the data stream', () => {
    const clock = new ManualClock('2026-11-23T15:00:00Z');
    const ex = createSimExchange({ clock });
    const trades: number[] = [];
    ex.marketEvents$.subscribe((e) => e.T === 't' && trades.push(e.trade.price));
    ex.market.setPrice('TSLA', 321.45);
    expect(ex.market.price('TSLA')).toBe(321.45);
    expect(trades).toEqual([321.45]);
    const q = ex.latestQuote('TSLA')!;
    expect(q.bidPrice).toBeLessThan(321.45);
    expect(q.askPrice).toBeGreaterThan(321.45);
  });

  it('generates consistent minute, 5-minute and daily bars from the same history', () => {
    const clock = new ManualClock('2026-11-24T15:00:00Z');
    const ex = createSimExchange({ clock, seed: 2 });
    const start = Date.parse('2026-11-23T14:30:00Z');
    const minutes = value(ex.bars('AAPL', '1Min', start, start + 4 * 60_000));
    expect(minutes.map((b) => b.t - start)).toEqual([0, 60_000, 120_000, 180_000, 240_000]);
    const five = value(ex.bars('AAPL', '5Min', start, start))[0]!;
    expect([five.o, five.c, five.v]).toEqual([minutes[0]!.o, minutes[4]!.c, minutes.reduce((s, b) => s + b.v, 0)]);
    expect(five.h).toBe(Math.max(...minutes.map((b) => b.h)));
    const days = value(ex.bars('AAPL', '1Day', Date.parse('2026-11-20T00:00:00Z'), Date.parse('2026-11-24T23:00:00Z')));
    // Fri 20th, Mon 23rd and the running Tue 24th, stamped at ET midnight
    expect(days.map((b) => b.t)).toEqual([
      Date.parse('2026-11-20T05:00:00Z'), Date.parse('2026-11-23T05:00:00Z'), Date.parse('2026-11-24T05:00:00Z'),
    ]);
    expect(value(ex.bars('AAPL', '1Min', clock.now(), clock.now() + 3_600_000))).toEqual([]);
  });

  it('rejects an unknown timeframe with 422 invalid timeframe', () => {
    const ex = createSimExchange({ clock: new ManualClock() });
    expect(ex.bars('AAPL', '1Week', 0, 1)).toEqual({ ok: false, status: 422, body: { code: 42210000, message: 'invalid timeframe' } });
    expect(ex.bars('AAPL', '60Min', 0, 1)).toMatchObject({ ok: false, status: 422 });
  });

  it('builds a snapshot with latest trade, quote and daily bars', () => {
    const clock = new ManualClock('2026-11-23T15:00:00Z');
    const ex = createSimExchange({ clock });
    const snap = ex.snapshot('MSFT')!;
    expect(snap.latestTrade?.price).toBe(ex.market.price('MSFT'));
    expect(snap.dailyBar?.t).toBe(Date.parse('2026-11-23T05:00:00Z'));
    expect(snap.prevDailyBar?.t).toBe(Date.parse('2026-11-20T05:00:00Z'));
    expect(ex.snapshot('NOPE')).toBeNull();
  });
});

describe('sim market replay', () => {
  it('replays recorded bars as the price path of their symbols', () => {
    const replay = parseReplay({
      bars: {
        ACME: [
          { t: '2026-11-23T15:00:00Z', o: 10, h: 12, l: 9, c: 12, v: 100 },
          { t: '2026-11-23T15:01:00Z', o: 12, h: 13, l: 11, c: 11, v: 100 },
        ],
      },
    });
    const clock = new ManualClock('2026-11-23T15:00:00Z');
    const ex = createSimExchange({ clock, symbols: {}, replay });
    expect(ex.market.symbols()).toEqual(['ACME']);
    expect(ex.market.price('ACME')).toBe(10);
    clock.set('2026-11-23T15:00:30Z');
    expect(ex.market.price('ACME')).toBe(11);
    clock.set('2026-11-23T16:00:00Z');
    expect(ex.market.price('ACME')).toBe(11);
  });

  it('rejects a replay file whose bars lack prices', () => {
    expect(() => parseReplay({ ACME: [{ t: '2026-11-23T15:00:00Z', o: 1 }] })).toThrow(RangeError);
  });
});
