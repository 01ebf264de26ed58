import { describe, expect, it } from 'vitest';
import { actorKey, judgeProtection, priceKey, type ViolationTrack, type WatchdogInput, type WatchedTrade } from '../../src/core/safety/watchdog-rules.js';

const NOW = Date.parse('2026-11-23T15:00:00Z');
const bounds = { staleAfterMs: 30_000, escalateAfter: 3 };

const trade = (id: string, symbol: string, status: WatchedTrade['status'] = 'open'): WatchedTrade => ({ id, symbol, status });

function input(over: Partial<WatchdogInput> = {}): WatchdogInput {
  return { trades: [], tracked: new Set(), priceAt: () => NOW, now: NOW, bounds, previous: new Map(), ...over };
}

/** runs `checks` consecutive checks with the same facts, each fed the previous tracks */
function repeat(checks: number, over: Partial<WatchdogInput>) {
  let previous: ReadonlyMap<string, ViolationTrack> = new Map();
  let verdict = judgeProtection(input({ ...over, previous }));
  for (let i = 1; i < checks; i++) {
    previous = verdict.tracks;
    verdict = judgeProtection(input({ ...over, now: NOW + i * 5_000, previous }));
  }
  return verdict;
}

describe('judgeProtection', () => {
  it('finds nothing when every open trade has an actor and a fresh price', () => {
    const v = judgeProtection(input({
      trades: [trade('a', 'AAPL'), trade('b', 'MSFT', 'exiting')], tracked: new Set(['a', 'b']), priceAt: () => NOW - 30_000,
    }));
    expect(v.violations).toEqual([]);
    expect(v.readopt).toEqual([]);
    expect(v.refresh).toEqual([]);
    expect(v.escalate).toEqual([]);
    expect(v.tracks.size).toBe(0);
  });

  it('reports an open or exiting trade without an actor and asks to re-adopt it, not to poll its price', () => {
    const v = judgeProtection(input({
      trades: [trade('a', 'AAPL'), trade('b', 'MSFT', 'exiting')], tracked: new Set(), priceAt: () => null,
    }));
    expect(v.violations.map((x) => [x.kind, x.key])).toEqual([['actor_missing', actorKey('a')], ['actor_missing', actorKey('b')]]);
    expect(v.readopt).toEqual(['a', 'b']);
    expect(v.refresh).toEqual([]);
  });

  it('ignores trades that are not open or exiting', () => {
    const v = judgeProtection(input({
      trades: [trade('p', 'AAPL', 'pending_entry'), trade('c', 'AAPL', 'closed'), trade('m', 'AAPL', 'missed')], priceAt: () => null,
    }));
    expect(v.violations).toEqual([]);
  });

  it('calls a price stale just past the bound, once per symbol for the trades sharing it', () => {
    const prices: Record<string, number> = { AAPL: NOW - 30_001, MSFT: NOW - 30_000 };
    const v = judgeProtection(input({
      trades: [trade('b', 'AAPL'), trade('a', 'AAPL'), trade('c', 'MSFT')], tracked: new Set(['a', 'b', 'c']), priceAt: (s) => prices[s] ?? null,
    }));
    expect(v.violations).toEqual([{ kind: 'price_stale', key: priceKey('AAPL'), symbol: 'AAPL', tradeIds: ['a', 'b'], ageMs: 30_001, brokerStop: false, streak: 1, since: NOW }]);
    expect(v.refresh).toEqual(['AAPL']);
  });

  it('calls a symbol without any confirmed price stale (age unknown)', () => {
    const v = judgeProtection(input({ trades: [trade('a', 'AAPL')], tracked: new Set(['a']), priceAt: () => null }));
    expect(v.violations).toMatchObject([{ kind: 'price_stale', symbol: 'AAPL', ageMs: null }]);
  });

  it('counts a live broker stop as protection: a stale price whose every trade has one is polled, never escalated', () => {
    const facts = { trades: [trade('a', 'AAPL'), trade('b', 'AAPL'), trade('c', 'MSFT')], tracked: new Set(['a', 'b', 'c']), priceAt: () => null };
    const all = repeat(3, { ...facts, brokerProtected: new Set(['a', 'b', 'c']) });
    expect(all.violations.map((v) => [v.key, v.kind === 'price_stale' && v.brokerStop])).toEqual([[priceKey('AAPL'), true], [priceKey('MSFT'), true]]);
    expect(all.refresh).toEqual(['AAPL', 'MSFT']);
    expect(all.escalate).toEqual([]);
    // one trade of the symbol without a stop: that symbol escalates as before
    const some = repeat(3, { ...facts, brokerProtected: new Set(['a', 'c']) });
    expect(some.escalate.map((v) => v.key)).toEqual([priceKey('AAPL')]);
  });

  it('does not judge the price of an exiting trade', () => {
    const v = judgeProtection(input({ trades: [trade('a', 'AAPL', 'exiting')], tracked: new Set(['a']), priceAt: () => null }));
    expect(v.violations).toEqual([]);
  });

  it('counts consecutive checks and escalates from the check that reaches the threshold', () => {
    const facts = { trades: [trade('a', 'AAPL')], tracked: new Set(['a']), priceAt: () => null };
    expect(repeat(2, facts).escalate).toEqual([]);
    const third = repeat(3, facts);
    expect(third.violations[0]).toMatchObject({ streak: 3, since: NOW });
    expect(third.escalate.map((x) => x.key)).toEqual([priceKey('AAPL')]);
    expect(repeat(4, facts).escalate.map((x) => x.streak)).toEqual([4]);
  });

  it('ends an episode when a check no longer sees it, and a later fault starts from one', () => {
    const broken = judgeProtection(input({ trades: [trade('a', 'AAPL')], tracked: new Set(), previous: new Map() }));
    const healed = judgeProtection(input({ trades: [trade('a', 'AAPL')], tracked: new Set(['a']), previous: broken.tracks }));
    expect(healed.resolved).toEqual([actorKey('a')]);
    expect(healed.tracks.size).toBe(0);
    const again = judgeProtection(input({ trades: [trade('a', 'AAPL')], tracked: new Set(), now: NOW + 10_000, previous: healed.tracks }));
    expect(again.violations[0]).toMatchObject({ streak: 1, since: NOW + 10_000 });
  });

  it('lists missing actors before stale prices, each sorted', () => {
    const v = judgeProtection(input({
      trades: [trade('z', 'ZZZ'), trade('y', 'YYY'), trade('b', 'BBB'), trade('a', 'AAA')], tracked: new Set(['z', 'y']), priceAt: () => null,
    }));
    expect(v.violations.map((x) => x.key)).toEqual([actorKey('a'), actorKey('b'), priceKey('YYY'), priceKey('ZZZ')]);
  });
});
