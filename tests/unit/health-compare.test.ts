import { describe, expect, it } from 'vitest';
import { compareHealth, confirmMismatches, describeMismatch, type HealthSnapshot, type HealthTrade } from '../../src/core/safety/health-compare.js';
import { dec } from '../../src/domain/money.js';

const trade = (id: string, symbol: string, status: HealthTrade['status'] = 'open', shares: string | null = '10'): HealthTrade =>
  ({ id, symbol, status, shares: shares === null ? null : dec(shares) });
const pos = (symbol: string, qty: string) => ({ symbol, qty: dec(qty) });

function snap(over: Partial<HealthSnapshot> = {}): HealthSnapshot {
  return { trades: [], positions: [], tracked: null, ...over };
}

describe('compareHealth', () => {
  it('finds nothing when journal, broker and actors agree', () => {
    expect(compareHealth(snap({
      trades: [trade('a', 'AAPL', 'open', '4'), trade('b', 'AAPL', 'open', '6'), trade('c', 'MSFT', 'exiting')],
      positions: [pos('AAPL', '10'), pos('MSFT', '10')], tracked: new Set(['a', 'b', 'c']),
    }))).toEqual([]);
  });

  it('reports a broker position no live trade accounts for', () => {
    const found = compareHealth(snap({ positions: [pos('TSLA', '5')] }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'position_without_trade', symbol: 'TSLA' });
    expect(describeMismatch(found[0]!)).toContain('TSLA');
  });

  it('lets a pending entry explain a position (its order may just have filled)', () => {
    expect(compareHealth(snap({ trades: [trade('p', 'TSLA', 'pending_entry', null)], positions: [pos('TSLA', '5')] }))).toEqual([]);
  });

  it('reports an open trade whose symbol is flat at the broker', () => {
    const found = compareHealth(snap({ trades: [trade('a', 'AAPL')], positions: [pos('AAPL', '0')] }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'trade_without_position', symbol: 'AAPL', tradeIds: ['a'] });
  });

  it('does not expect a position behind an exiting or pending trade', () => {
    expect(compareHealth(snap({ trades: [trade('x', 'AAPL', 'exiting'), trade('p', 'MSFT', 'pending_entry', null)] }))).toEqual([]);
  });

  it('reports a quantity difference only when every live trade of the symbol is open', () => {
    const open = compareHealth(snap({ trades: [trade('a', 'AAPL', 'open', '10')], positions: [pos('AAPL', '7')] }));
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ kind: 'quantity_mismatch', symbol: 'AAPL' });
    if (open[0]!.kind !== 'quantity_mismatch') throw new Error('unreachable');
    expect([open[0]!.journalShares.toFixed(), open[0]!.brokerQty.toFixed()]).toEqual(['10', '7']);
    expect(compareHealth(snap({ trades: [trade('a', 'AAPL'), trade('x', 'AAPL', 'exiting')], positions: [pos('AAPL', '7')] }))).toEqual([]);
  });

  it('compares quantities by magnitude', () => {
    expect(compareHealth(snap({ trades: [trade('a', 'AAPL', 'open', '3')], positions: [pos('AAPL', '-3')] }))).toEqual([]);
  });

  it('compares actors only while the supervisor runs', () => {
    const facts = { trades: [trade('a', 'AAPL'), trade('p', 'MSFT', 'pending_entry', null)], positions: [pos('AAPL', '10')] };
    expect(compareHealth(snap({ ...facts, tracked: null }))).toEqual([]);
    const found = compareHealth(snap({ ...facts, tracked: new Set(['ghost']) }));
    expect(found.map((m) => m.key)).toEqual(['actor_missing:a', 'actor_without_trade:ghost']);
  });
});

describe('confirmMismatches', () => {
  it('keeps what both snapshots saw, as the second describes it', () => {
    const first = compareHealth(snap({ trades: [trade('a', 'AAPL')], positions: [pos('TSLA', '1')] }));
    const second = compareHealth(snap({ trades: [], positions: [pos('TSLA', '2')] }));
    const kept = confirmMismatches(first, second);
    expect(kept.map((m) => m.key)).toEqual(['position_without_trade:TSLA']);
    expect(kept[0]).toMatchObject({ brokerQty: dec('2') });
  });
});
