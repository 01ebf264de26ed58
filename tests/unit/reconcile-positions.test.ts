import { describe, expect, it } from 'vitest';
import { exitHistoryNeeded, reconcile } from '../../src/core/reconcile/reconcile.js';
import { realizedPnl } from '../../src/core/reconcile/closing.js';
import { dec } from '../../src/domain/money.js';
import { aJournalTrade, brokerOrder, ENTRY_AT, position, snapshot } from '../support/reconcile-builders.js';

const sell = (id: string, price: string, at: number, qty = '10') =>
  brokerOrder({ id, clientOrderId: `c-${id}`, side: 'sell', filledQty: dec(qty), filledAvgPrice: dec(price), filledAt: at, submittedAt: at, createdAt: at });

describe('reconcile: journal open, broker flat', () => {
  it('closes the trade at the broker sell fill with exact P&L', () => {
    const trade = aJournalTrade();
    const findings = reconcile([trade], snapshot({ closedOrders: new Map([['AAPL', [sell('s-1', '103.25', ENTRY_AT + 60_000)]]]) }));
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.kind).toBe('closed_at_broker');
    if (f.kind !== 'closed_at_broker') return;
    expect([f.exitOrderId, f.exitPrice.toFixed(), f.pnl.toFixed(), f.pnlPct.toFixed(), f.exitAt]).toEqual(['s-1', '103.25', '32.5', '3.25', ENTRY_AT + 60_000]);
  });

  it('marks the trade missed with a note when no sell fill exists', () => {
    const findings = reconcile([aJournalTrade()], snapshot({ closedOrders: new Map([['AAPL', [brokerOrder({ id: 'buy-only' })]]]) }));
    expect(findings).toEqual([expect.objectContaining({ kind: 'missing_at_broker', tradeId: 't-1', note: expect.stringContaining('no sell fill') })]);
  });

  it('ignores a canceled sell with nothing filled', () => {
    const canceled = sell('s-x', '101', ENTRY_AT + 5_000, '0');
    const findings = reconcile([aJournalTrade()], snapshot({ closedOrders: new Map([['AAPL', [{ ...canceled, status: 'canceled', filledAvgPrice: null }]]]) }));
    expect(findings.map((f) => f.kind)).toEqual(['missing_at_broker']);
  });

  it('pairs two trades with two sells, each sell used once and the own exit order first', () => {
    const older = aJournalTrade({ id: 't-old', entryAt: ENTRY_AT });
    const newer = aJournalTrade({ id: 't-new', entryAt: ENTRY_AT + 1_000, exitOrderId: 's-a' });
    const sells = [sell('s-a', '110', ENTRY_AT + 2_000), sell('s-b', '90', ENTRY_AT + 3_000)];
    const findings = reconcile([newer, older], snapshot({ closedOrders: new Map([['AAPL', sells]]) }));
    expect(findings.map((f) => f.kind === 'closed_at_broker' && [f.tradeId, f.exitOrderId])).toEqual([['t-old', 's-b'], ['t-new', 's-a']]);
  });

  it('asks for exit history only for symbols the broker is flat in, since the earliest entry', () => {
    const trades = [aJournalTrade({ id: 'a', symbol: 'AAPL', entryAt: ENTRY_AT + 5 }), aJournalTrade({ id: 'b', symbol: 'AAPL', entryAt: ENTRY_AT }), aJournalTrade({ id: 'c', symbol: 'MSFT' })];
    expect([...exitHistoryNeeded(trades, { entryOrders: new Map(), positions: [position('MSFT', '10')] })]).toEqual([['AAPL', ENTRY_AT]]);
  });
});

describe('reconcile: broker positions', () => {
  it('imports a broker position no trade accounts for', () => {
    expect(reconcile([], snapshot({ positions: [position('TSLA', '3', '250.5')] }))).toEqual([
      { kind: 'imported_broker_position', symbol: 'TSLA', shares: dec('3'), avgEntryPrice: dec('250.5') },
    ]);
  });

  it("takes the broker's larger quantity on the newest trade", () => {
    const findings = reconcile([aJournalTrade({ id: 'a' }), aJournalTrade({ id: 'b', entryAt: ENTRY_AT + 1 })], snapshot({ positions: [position('AAPL', '25')] }));
    expect(findings).toEqual([{ kind: 'quantity_mismatch', tradeId: 'b', symbol: 'AAPL', journalShares: dec('10'), brokerShares: dec('15') }]);
  });

  it('takes a shortfall from the newest trades first, marking a fully gone trade missed', () => {
    const findings = reconcile([aJournalTrade({ id: 'a' }), aJournalTrade({ id: 'b', entryAt: ENTRY_AT + 1 })], snapshot({ positions: [position('AAPL', '4')] }));
    expect(findings.map((f) => [f.kind, 'tradeId' in f ? f.tradeId : '', f.kind === 'quantity_mismatch' ? f.brokerShares.toFixed() : ''])).toEqual([
      ['missing_at_broker', 'b', ''], ['quantity_mismatch', 'a', '4'],
    ]);
  });

  it('counts what a trade\'s own exit still working has sold: no quantity correction mid-exit', () => {
    const exiting = aJournalTrade({ status: 'exiting', exitClientOrderId: 'keel-t-1-entry-x1', exitOrderId: 'x-1' });
    const working = brokerOrder({ id: 'x-1', clientOrderId: 'keel-t-1-entry-x1', side: 'sell', status: 'partially_filled', statusRaw: 'partially_filled', filledQty: dec('4'), filledAvgPrice: dec('99'), filledAt: null });
    expect(reconcile([exiting], snapshot({ positions: [position('AAPL', '6')], openOrders: [working] }))).toEqual([]);
    // an outside sell on top of it is still a shortfall
    expect(reconcile([exiting], snapshot({ positions: [position('AAPL', '5')], openOrders: [working] }))).toEqual([
      { kind: 'quantity_mismatch', tradeId: 't-1', symbol: 'AAPL', journalShares: dec('10'), brokerShares: dec('9') },
    ]);
  });

  it('reports nothing when journal and broker agree', () => {
    expect(reconcile([aJournalTrade()], snapshot({ positions: [position('AAPL', '10')] }))).toEqual([]);
  });

  it('compares the union of symbols, in a stable order', () => {
    const findings = reconcile([aJournalTrade({ symbol: 'MSFT' })], snapshot({ positions: [position('AAPL', '1')] }));
    expect(findings.map((f) => [f.kind, f.symbol])).toEqual([['imported_broker_position', 'AAPL'], ['missing_at_broker', 'MSFT']]);
  });

  it('reports an open broker order no trade owns, and not one a trade owns', () => {
    const mine = brokerOrder({ id: 'o-entry-1', status: 'new' });
    const foreign = brokerOrder({ id: 'o-x', clientOrderId: 'manual-1', symbol: 'NVDA', status: 'new' });
    const findings = reconcile([aJournalTrade()], snapshot({ positions: [position('AAPL', '10')], openOrders: [mine, foreign] }));
    expect(findings).toEqual([{ kind: 'unowned_open_order', orderId: 'o-x', clientOrderId: 'manual-1', symbol: 'NVDA', side: 'buy' }]);
  });
});

describe('realized P&L', () => {
  it('is exact in Decimal for a long and inverted for a short', () => {
    expect(realizedPnl('buy', dec('0.1'), dec('0.3'), dec('3')).pnl.toFixed()).toBe('0.6');
    expect(realizedPnl('sell', dec('10'), dec('9.5'), dec('2')).pnl.toFixed()).toBe('1');
    expect(realizedPnl('buy', dec('0'), dec('1'), dec('1')).pnlPct.toFixed()).toBe('0');
  });
});
