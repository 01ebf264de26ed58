import { describe, expect, it } from 'vitest';
import { EXIT_STUCK_AFTER_MS, stuckExits, type ExitProgress } from '../../src/core/safety/stuck-exits.js';
import { judgeProtection, stuckKey } from '../../src/core/safety/watchdog-rules.js';

const OPEN = Date.parse('2026-11-23T14:30:00Z'); // Monday 09:30 New York
const exit = (tradeId: string, since: number, gaveUp: string | null = null): ExitProgress => ({ tradeId, symbol: 'AAPL', since, gaveUp });

describe('stuckExits', () => {
  it('reports an exit that gave up at once, whatever the time', () => {
    const saturday = Date.parse('2026-11-28T15:00:00Z');
    expect(stuckExits([exit('a', saturday, 'exit gave up after 3 attempts')], saturday)).toEqual([
      { tradeId: 'a', symbol: 'AAPL', since: saturday, reason: 'gave_up', detail: 'exit gave up after 3 attempts' },
    ]);
  });

  it('reports an exit still trying only past the bound, counted in the regular session', () => {
    const since = OPEN + 60_000;
    expect(stuckExits([exit('a', since)], since + EXIT_STUCK_AFTER_MS)).toEqual([]);
    expect(stuckExits([exit('a', since)], since + EXIT_STUCK_AFTER_MS + 1_000)).toMatchObject([{ tradeId: 'a', reason: 'too_long' }]);
  });

  it('does not count the night: an exit decided after the close is judged from the next open', () => {
    const evening = Date.parse('2026-11-23T22:00:00Z'); // 17:00 New York
    const nextOpen = Date.parse('2026-11-24T14:30:00Z');
    expect(stuckExits([exit('a', evening)], nextOpen - 1_000)).toEqual([]);
    expect(stuckExits([exit('a', evening)], nextOpen + 60_000)).toEqual([]);
    expect(stuckExits([exit('a', evening)], nextOpen + EXIT_STUCK_AFTER_MS + 1_000)).toMatchObject([{ tradeId: 'a', reason: 'too_long' }]);
  });

  it('sorts by trade id', () => {
    expect(stuckExits([exit('b', OPEN, 'x'), exit('a', OPEN, 'y')], OPEN).map((s) => s.tradeId)).toEqual(['a', 'b']);
  });
});

describe('judgeProtection with stuck exits', () => {
  const bounds = { staleAfterMs: 30_000, escalateAfter: 2 };
  const stuck = stuckExits([exit('t1', OPEN, 'exit gave up after 3 attempts')], OPEN);

  it('makes each a violation that escalates after the same number of checks as the others, with no repair', () => {
    const base = { trades: [{ id: 't1', symbol: 'AAPL', status: 'exiting' as const }], tracked: new Set(['t1']), priceAt: () => OPEN, bounds, stuck };
    const first = judgeProtection({ ...base, now: OPEN, previous: new Map() });
    expect(first.violations).toMatchObject([{ kind: 'exit_stuck', key: stuckKey('t1'), tradeId: 't1', reason: 'gave_up', streak: 1 }]);
    expect(first).toMatchObject({ escalate: [], readopt: [], refresh: [] });
    const second = judgeProtection({ ...base, now: OPEN + 5_000, previous: first.tracks });
    expect(second.escalate).toMatchObject([{ key: stuckKey('t1'), streak: 2 }]);
    const resolved = judgeProtection({ ...base, stuck: [], now: OPEN + 10_000, previous: second.tracks });
    expect(resolved).toMatchObject({ violations: [], resolved: [stuckKey('t1')] });
  });
});
