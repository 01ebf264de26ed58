/**
 * The simulated exchange on recorded bars: prices are the tape's, events are the tape's points,
 * and an order executes at the first point after it was sent — however often the exchange is synced.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { createSimExchange } from '../../src/adapters/sim/engine/sim-exchange.js';
import { BarTape } from '../../src/adapters/sim/market/bar-tape.js';
import type { Bar } from '../../src/domain/market-data.js';
import type { TradeUpdate } from '../../src/domain/trade-update.js';

const OPEN = Date.parse('2026-11-20T14:30:00Z'); // 09:30 New York
const bar = (symbol: string, minute: number, o: number, h: number, l: number, c: number): Bar => ({ symbol, t: OPEN + minute * 60_000, o, h, l, c, v: 100, n: null, vw: null });
const tape = () => new BarTape([bar('AAA', 0, 10, 10.4, 10, 10.2), bar('AAA', 1, 10.2, 10.6, 10.1, 10.5), bar('BBB', 0, 50, 51, 49, 50.5)]);

function exchange(opts: { interest?: (s: string) => boolean } = {}) {
  const clock = new ManualClock(OPEN + 5_000);
  const core = createSimExchange({ clock, tape: tape(), ...(opts.interest ? { marketInterest: opts.interest } : {}) });
  const fills: TradeUpdate[] = [];
  core.tradeUpdates$.subscribe((u) => { if (u.event === 'fill') fills.push(u); });
  return { clock, core, fills };
}

describe('the simulated exchange on a bar tape', () => {
  it('trades only the tape\'s symbols, at the tape\'s price', () => {
    const { core } = exchange();
    expect(core.market.symbols().sort()).toEqual(['AAA', 'BBB']);
    expect(core.market.price('AAA')).toBe(10);
    expect(core.submitOrder({ symbol: 'MSFT', side: 'buy', type: 'market', time_in_force: 'day', notional: '100' })).toMatchObject({ ok: false, status: 422 });
  });

  it('fills a market order at the first point after it was sent, even when synced long after', () => {
    const { clock, core, fills } = exchange();
    clock.set(OPEN + 20_000); // after the 15 s point (10.00, the low): the order is sent at 20 s
    expect(core.submitOrder({ symbol: 'AAA', side: 'buy', type: 'market', time_in_force: 'day', qty: '10' }).ok).toBe(true);
    clock.set(OPEN + 95_000); // one sync, three points later
    core.sync();
    expect(fills).toHaveLength(1);
    expect(fills[0]!.price?.toNumber()).toBe(10.4); // the 30 s point: the high, first after 20 s
  });

  it('offers no price from before an order, nor from while it may not execute', () => {
    const { clock, core, fills } = exchange();
    clock.set(OPEN + 30_000);
    core.submitOrder({ symbol: 'AAA', side: 'buy', type: 'market', time_in_force: 'day', qty: '1' });
    core.sync();
    expect(fills).toEqual([]); // the 30 s point is the order's own instant, not after it
    clock.set(OPEN + 45_000);
    core.sync();
    expect(fills.map((f) => f.price?.toNumber())).toEqual([10.2]);
  });

  it('emits a trade for every point since the last sync, only for the symbols wanted', () => {
    const wanted = new Set(['BBB']);
    const { clock, core } = exchange({ interest: (s) => wanted.has(s) });
    const trades: string[] = [];
    core.marketEvents$.subscribe((e) => { if (e.T === 't') trades.push(`${(e.trade.t - OPEN) / 1000}s ${e.trade.symbol} ${e.trade.price}`); });
    clock.set(OPEN + 50_000);
    core.sync();
    expect(trades).toEqual(['15s BBB 49', '30s BBB 51', '45s BBB 50.5']);
    wanted.add('AAA');
    clock.set(OPEN + 75_000);
    core.sync();
    expect(trades.slice(3)).toEqual(['60s AAA 10.2', '75s AAA 10.1']);
  });

  it('serves the recorded bars in its snapshots and bar history', () => {
    const { clock, core } = exchange();
    clock.set(OPEN + 130_000);
    const snap = core.snapshot('AAA');
    expect(snap?.minuteBar).toMatchObject({ t: OPEN + 60_000, o: 10.2, h: 10.6, l: 10.1, c: 10.5 });
    expect(snap?.dailyBar).toMatchObject({ o: 10, h: 10.6, l: 10, c: 10.5, v: 200 });
    const bars = core.bars('AAA', '1Min', OPEN, OPEN + 3_600_000);
    expect(bars.ok && bars.value.map((b) => b.c)).toEqual([10.2, 10.5]);
  });
});
