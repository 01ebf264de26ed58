/**
 * The clock exits (max hold, session close) fire from the clock, print or no print: SymbolSlots
 * keeps one timer per symbol at its book's earliest deadline. Virtual time (TestScheduler).
 */
import { NEVER, Subject, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { SymbolSlots } from '../../src/actors/symbol-slots.js';
import type { ExitDecision, ExitSettings } from '../../src/core/exits/exit.types.js';
import type { PriceTick } from '../../src/domain/market-data.js';
import { aPosition, exitSettings } from '../unit/core-builders.js';

type Helpers = Parameters<Parameters<TestScheduler['run']>[0]>[0];

const tick = (price: number): PriceTick => ({ symbol: 'ABCD', price, at: 0, source: 'stream' });

/** decisions are shown as "tradeId:reason@price"; `script` arms positions and moves settings */
function expectDecisions(
  settings: Partial<ExitSettings>,
  script: (slots: SymbolSlots, h: Helpers, at: (ms: number, work: () => void) => void, s: ExitSettings) => void,
  expected: string,
  values: Record<string, string>,
): ExitDecision[] {
  const scheduler = new TestScheduler((actual, wanted) => expect(actual).toEqual(wanted));
  const all: ExitDecision[] = [];
  scheduler.run((h) => {
    const decided = new Subject<string>();
    const slots = new SymbolSlots(scheduler, (d) => {
      all.push(d);
      decided.next(`${d.tradeId}:${d.reason}@${d.price}`);
    });
    const at = (ms: number, work: () => void) => { scheduler.schedule(work, ms); };
    h.expectObservable(decided).toBe(expected, values);
    script(slots, h, at, exitSettings(settings));
  });
  return all;
}

/** one print at the start, then silence */
const quiet = (h: Helpers): (() => Observable<PriceTick>) => () => h.cold('a', { a: tick(100.5) });

describe('clock exits (marbles)', () => {
  it('fires max hold at its deadline on a symbol that printed once and then went quiet', () => {
    const [decision] = expectDecisions({ maxHoldDurationSec: 60 }, (slots, h, _at, s) => {
      slots.arm(aPosition({ tradeId: 't1' }), s, quiet(h));
    }, '60000ms x', { x: 't1:time_exit@100.5' });
    expect(decision!.at).toBe(60_000);
    expect(decision!.detail).toBe('held 60s ≥ max hold 60s');
  });

  it('fires max hold with no print at all, at the entry price', () => {
    expectDecisions({ maxHoldDurationSec: 60 }, (slots, _h, _at, s) => {
      slots.arm(aPosition({ tradeId: 't1', entryPrice: 100 }), s, () => NEVER);
    }, '60000ms x', { x: 't1:time_exit@100' });
  });

  it('fires the session close from the clock when it comes before the max hold', () => {
    const [decision] = expectDecisions({ maxHoldDurationSec: 60, forceCloseAt: 30_000 }, (slots, h, _at, s) => {
      slots.arm(aPosition({ tradeId: 't1' }), s, quiet(h));
    }, '30000ms x', { x: 't1:force_close_eod@100.5' });
    expect(decision!.detail).toMatch(/^session force close at /);
  });

  it('fires each position of a symbol at its own deadline', () => {
    expectDecisions({ maxHoldDurationSec: 60 }, (slots, h, at, s) => {
      const prices = quiet(h);
      slots.arm(aPosition({ tradeId: 't1' }), s, prices);
      at(20_000, () => slots.arm(aPosition({ tradeId: 't2', entryAt: 20_000 }), s, prices));
      at(10_000, () => slots.arm(aPosition({ tradeId: 't3', entryAt: -50_000 }), s, prices)); // due already: at once
    }, '10000ms z 49999ms x 19999ms y', { x: 't1:time_exit@100.5', y: 't2:time_exit@100.5', z: 't3:time_exit@100.5' });
  });

  it('re-aims at once when new settings shorten the max hold', () => {
    expectDecisions({ maxHoldDurationSec: 300 }, (slots, h, at, s) => {
      slots.arm(aPosition({ tradeId: 't1' }), s, quiet(h));
      at(10_000, () => {
        for (const book of slots.books()) book.setSettings({ ...s, maxHoldDurationSec: 30 });
        slots.retime();
      });
    }, '30000ms x', { x: 't1:time_exit@100.5' });
  });

  it('fires nothing for a position disarmed before its deadline', () => {
    expectDecisions({ maxHoldDurationSec: 60 }, (slots, h, at, s) => {
      const view = aPosition({ tradeId: 't1' });
      slots.arm(view, s, quiet(h));
      at(10_000, () => slots.disarm(view));
    }, '', {});
  });

  it('lets a price rule fire from its tick, and the clock then has nothing left to fire', () => {
    expectDecisions({ maxHoldDurationSec: 60 }, (slots, h, _at, s) => {
      slots.arm(aPosition({ tradeId: 't1' }), s, () => h.cold('a 999ms b', { a: tick(100.5), b: tick(92) }));
    }, '1000ms x', { x: 't1:hard_stop@92' });
  });
});
