import { describe, expect, it } from 'vitest';
import { evaluateExits } from '../../src/core/exits/exit-rules.js';
import type { ExitDecision, PositionView } from '../../src/core/exits/exit.types.js';
import { plainDecision } from '../../src/core/exits/book-exit.js';
import { SymbolBook } from '../../src/core/exits/symbol-book.js';
import { aPosition, exitSettings } from './core-builders.js';
import { mulberry32 as seeded } from '../../src/lib/mulberry32.js';


describe('SymbolBook', () => {
  it('exits a position once and removes it', () => {
    const book = new SymbolBook('ABCD', exitSettings());
    book.add(aPosition({ tradeId: 'a' }));
    const first = book.onTick(92, 1_000);
    expect(first.map((d) => [d.tradeId, d.reason])).toEqual([['a', 'hard_stop']]);
    expect(book.has('a')).toBe(false);
    expect(book.onTick(80, 2_000)).toHaveLength(0);
  });

  it('explains a decision exactly as evaluateExits does, also in JSON and as a plain copy', () => {
    const book = new SymbolBook('ABCD', exitSettings());
    book.add(aPosition({ tradeId: 'a', entryAt: 500 }));
    const [d] = book.onTick(92.9, 1_000);
    const expected = evaluateExits(aPosition({ tradeId: 'a', entryAt: 500 }), 92.9, 1_000, exitSettings());
    expect(plainDecision(d!)).toEqual(expected);
    expect(JSON.parse(JSON.stringify(d))).toEqual(expected);
    expect(d!.detail).toBe('price 92.90 ≤ stop 93.00 (7% below entry 100.00)');
  });

  it('returns the same empty array for ticks that decide nothing (no allocation per quiet tick)', () => {
    const book = new SymbolBook('ABCD', exitSettings());
    book.add(aPosition());
    const a = book.onTick(101, 1_000);
    const b = book.onTick(102, 1_001);
    expect(a).toHaveLength(0);
    expect(a).toBe(b);
  });

  it('raises the peak in place and the trailing stop follows it', () => {
    const book = new SymbolBook('ABCD', exitSettings({ trailingStopPct: 5, profitTargetPct: 50 }));
    book.add(aPosition({ tradeId: 'a' }));
    book.onTick(108, 1_000);
    expect(book.view('a')?.peakPrice).toBe(108);
    expect(book.onTick(103, 2_000)).toHaveLength(0);
    expect(book.onTick(102.5, 3_000).map((d) => d.reason)).toEqual(['trailing_stop']);
  });

  it('reports risen peaks once through peakChanges', () => {
    const book = new SymbolBook('ABCD', exitSettings());
    book.add(aPosition({ tradeId: 'a' }));
    book.add(aPosition({ tradeId: 'b', entryPrice: 101, peakPrice: 104 }));
    book.onTick(103, 1_000);
    expect(book.peakChanges()).toEqual([{ tradeId: 'a', peakPrice: 103 }]);
    expect(book.peakChanges()).toEqual([]);
    book.onTick(105, 2_000);
    expect(book.peakChanges().sort((x, y) => x.tradeId.localeCompare(y.tradeId))).toEqual([
      { tradeId: 'a', peakPrice: 105 },
      { tradeId: 'b', peakPrice: 105 },
    ]);
  });

  it('resumes a restored position with its persisted peak', () => {
    const book = new SymbolBook('ABCD', exitSettings({ trailingStopPct: 5, profitTargetPct: 50 }));
    book.add(aPosition({ tradeId: 'a', peakPrice: 120 }));
    expect(book.onTick(113.9, 1_000).map((d) => d.reason)).toEqual(['trailing_stop']);
  });

  it('evaluates only the positions still held after remove', () => {
    const book = new SymbolBook('ABCD', exitSettings());
    for (const id of ['a', 'b', 'c']) book.add(aPosition({ tradeId: id }));
    expect(book.remove('b')).toBe(true);
    expect(book.remove('b')).toBe(false);
    expect(book.onTick(90, 1_000).map((d) => d.tradeId).sort()).toEqual(['a', 'c']);
    expect(book.size).toBe(0);
  });

  it('applies new settings to held positions (e.g. today\'s forced close)', () => {
    const book = new SymbolBook('ABCD', exitSettings());
    book.add(aPosition({ tradeId: 'a' }));
    expect(book.onTick(100, 5_000)).toHaveLength(0);
    book.setSettings(exitSettings({ forceCloseAt: 5_000 }));
    expect(book.onTick(100, 5_000).map((d) => d.reason)).toEqual(['force_close_eod']);
  });

  it('gives a position its own rule settings through overrides', () => {
    const book = new SymbolBook('ABCD', exitSettings({ hardStopLossPct: 7 }));
    book.add(aPosition({ tradeId: 'tight' }), { hardStopLossPct: 1 });
    book.add(aPosition({ tradeId: 'loose' }));
    expect(book.onTick(98.5, 1_000).map((d) => d.tradeId)).toEqual(['tight']);
  });

  it("leaves the target to a bracket's take-profit leg (targetAtBroker), as evaluateExits does, and keeps every other exit", () => {
    const book = new SymbolBook('ABCD', exitSettings({ profitTargetPct: 10, hardStopLossPct: 7 }));
    const leg = { targetPrice: 110, targetAtBroker: true };
    book.add(aPosition({ tradeId: 'leg' }), leg);
    book.add(aPosition({ tradeId: 'own' }), { targetPrice: 110 });
    expect(book.onTick(111, 1_000).map((d) => [d.tradeId, d.reason])).toEqual([['own', 'profit_target']]);
    expect(evaluateExits(aPosition({ tradeId: 'leg' }), 111, 1_000, { ...exitSettings(), ...leg })).toBeNull();
    expect(book.settingsFor('leg')).toMatchObject(leg);
    // its hard stop is still Keel's
    expect(book.onTick(92, 2_000).map((d) => [d.tradeId, d.reason])).toEqual([['leg', 'hard_stop']]);
    // the leg gone: the same position re-added without it fires at the target again
    book.add(aPosition({ tradeId: 'back' }), leg);
    book.add(aPosition({ tradeId: 'back' }), { targetPrice: 110 });
    expect(book.onTick(110, 3_000).map((d) => [d.tradeId, d.reason])).toEqual([['back', 'profit_target']]);
  });

  it('ignores non-positive and non-finite prices', () => {
    const book = new SymbolBook('ABCD', exitSettings());
    book.add(aPosition());
    expect(book.onTick(0, 1_000)).toHaveLength(0);
    expect(book.onTick(Number.NaN, 1_000)).toHaveLength(0);
    expect(book.onTick(Infinity, 1_000)).toHaveLength(0);
    expect(book.size).toBe(1);
  });

  it('names the earliest clock deadline and fires only the clock exits due, at the last price', () => {
    const book = new SymbolBook('ABCD', exitSettings({ maxHoldDurationSec: 60 }));
    expect(book.nextClockAt()).toBe(Infinity);
    book.add(aPosition({ tradeId: 'a', entryAt: 0 }));
    book.add(aPosition({ tradeId: 'b', entryAt: 30_000 }));
    expect(book.nextClockAt()).toBe(60_000);
    const nothing = book.onClock(59_999);
    expect(nothing).toHaveLength(0);
    expect(book.onClock(59_999)).toBe(nothing); // the shared empty array: no allocation
    book.onTick(101, 10_000);
    expect(book.onClock(60_000).map((d) => [d.tradeId, d.reason, d.price])).toEqual([['a', 'time_exit', 101]]);
    expect(book.nextClockAt()).toBe(90_000);
    book.setSettings(exitSettings({ maxHoldDurationSec: 60, forceCloseAt: 70_000 }));
    expect(book.nextClockAt()).toBe(70_000);
    expect(book.onClock(70_000).map((d) => [d.tradeId, d.reason])).toEqual([['b', 'force_close_eod']]);
    expect(book.size).toBe(0);
  });

  it('raises a held peak (rebuilt after a restart) and never lowers it when the position is added again', () => {
    const book = new SymbolBook('ABCD', exitSettings({ trailingStopPct: 2 }));
    book.add(aPosition({ tradeId: 'a', peakPrice: 100 }));
    expect(book.raisePeak('a', 110)).toBe(true);
    expect(book.raisePeak('a', 105)).toBe(false);
    expect(book.raisePeak('nope', 120)).toBe(false);
    book.add(aPosition({ tradeId: 'a', peakPrice: 100 }));
    expect(book.peakOf('a')).toBe(110);
    expect(book.peakChanges()).toEqual([{ tradeId: 'a', peakPrice: 110 }]);
    expect(book.onTick(107.8, 1_000).map((d) => d.reason)).toEqual(['trailing_stop']);
  });

  it('refuses a position of another symbol', () => {
    expect(() => new SymbolBook('ABCD', exitSettings()).add(aPosition({ symbol: 'WXYZ' }))).toThrow(/cannot hold/);
  });

  it('decides exactly what evaluateExits decides on a seeded path with gaps and re-arming', () => {
    const settings = exitSettings({ hardStopLossPct: 2, profitTargetPct: 2, trailingStopPct: 3, maxHoldDurationSec: 60, forceCloseAt: 14_030_000 });
    const rand = seeded(42);
    const book = new SymbolBook('ABCD', settings);
    const reference = new Map<string, PositionView>();
    let price = 10;
    let nextId = 0;
    const open = (now: number): void => {
      const view = aPosition({ tradeId: `p${nextId++}`, entryPrice: price, entryAt: now, peakPrice: price });
      book.add(view);
      reference.set(view.tradeId, { ...view });
    };
    const fromBook: ExitDecision[] = [];
    const fromRules: ExitDecision[] = [];
    for (let t = 1; t <= 20_000; t++) {
      const now = t * 1000;
      // small steps, with an occasional gap of up to ±3% so stops can be jumped past
      const step = rand() < 0.03 ? (rand() - 0.5) * 0.06 : (rand() - 0.5) * 0.004;
      price *= 1 + step;
      for (const view of [...reference.values()]) {
        if (price > view.peakPrice) view.peakPrice = price;
        const d = evaluateExits(view, price, now, settings);
        if (d) {
          fromRules.push(d);
          reference.delete(view.tradeId);
        }
      }
      const decided = book.onTick(price, now);
      fromBook.push(...decided);
      if (now < 14_000_000) {
        if (t % 10 === 0 && nextId < 200) open(now);
        for (let k = 0; k < decided.length; k++) open(now); // re-arm at the current price
      }
      if (now === 14_025_000) for (let k = 0; k < 20; k++) open(now); // these meet the forced close

    }
    const key = (d: ExitDecision) => `${d.tradeId}:${d.reason}:${d.at}:${d.price}:${d.detail}`;
    expect(fromBook.length).toBeGreaterThan(1_000);
    expect(new Set(fromBook.map((d) => d.reason))).toEqual(new Set(['hard_stop', 'trailing_stop', 'profit_target', 'force_close_eod', 'time_exit']));
    expect(fromBook.map(key).sort()).toEqual(fromRules.map(key).sort());
  });
});
