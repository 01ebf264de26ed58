import { describe, expect, it } from 'vitest';
import { reconcile } from '../../src/core/reconcile/reconcile.js';
import { dec } from '../../src/domain/money.js';
import type { Order } from '../../src/domain/order.js';
import { aJournalTrade, brokerOrder, ENTRY_AT, position, snapshot } from '../support/reconcile-builders.js';

const pending = aJournalTrade({ id: 'p-1', status: 'pending_entry', entryPrice: null, shares: null, entryOrderId: null, entryAt: null });
const withOrder = (order: Order | null, positions = [position('AAPL', '10')]) =>
  reconcile([pending], snapshot({ entryOrders: new Map([['p-1', order]]), positions }));

describe('reconcile: pending entries', () => {
  it('opens a filled entry at the broker fill price and quantity', () => {
    const order = brokerOrder({ id: 'e-1', filledQty: dec('10'), filledAvgPrice: dec('12.34'), filledAt: ENTRY_AT + 7 });
    expect(withOrder(order)).toEqual([
      { kind: 'pending_entry_filled', tradeId: 'p-1', symbol: 'AAPL', orderId: 'e-1', shares: dec('10'), entryPrice: dec('12.34'), entryAt: ENTRY_AT + 7 },
    ]);
  });

  it('opens a partly filled entry that was then canceled, with the filled quantity', () => {
    const order = brokerOrder({ id: 'e-1', status: 'canceled', statusRaw: 'canceled', filledQty: dec('4'), filledAvgPrice: dec('12') });
    const findings = withOrder(order, [position('AAPL', '4')]);
    expect(findings.map((f) => f.kind)).toEqual(['pending_entry_filled']);
    expect(findings[0]?.kind === 'pending_entry_filled' && findings[0].shares.toFixed()).toBe('4');
  });

  it('keeps a working entry pending and attaches its order id once', () => {
    const order = brokerOrder({ id: 'e-1', status: 'partially_filled', statusRaw: 'partially_filled', filledQty: dec('3') });
    expect(withOrder(order, [position('AAPL', '3')])).toEqual([{ kind: 'pending_entry_working', tradeId: 'p-1', symbol: 'AAPL', orderId: 'e-1', status: 'partially_filled' }]);
    const attached = reconcile([{ ...pending, entryOrderId: 'e-1' }], snapshot({ entryOrders: new Map([['p-1', order]]), positions: [position('AAPL', '3')] }));
    expect(attached).toEqual([]);
  });

  it('cancels an entry whose order ended with nothing filled, naming the status', () => {
    const order = brokerOrder({ id: 'e-1', status: 'expired', statusRaw: 'expired', filledQty: dec('0'), filledAvgPrice: null });
    expect(withOrder(order, [])).toEqual([{ kind: 'pending_entry_cancelled', tradeId: 'p-1', symbol: 'AAPL', orderId: 'e-1', status: 'expired' }]);
  });

  it('reports an entry the broker never heard of', () => {
    expect(withOrder(null, [])).toEqual([{ kind: 'pending_entry_not_found', tradeId: 'p-1', symbol: 'AAPL', clientOrderId: 'keel-t-1-entry' }]);
  });

  it('closes a filled entry in the same run when the broker is already flat again', () => {
    const order = brokerOrder({ id: 'e-1', filledQty: dec('10'), filledAvgPrice: dec('10') });
    const exit = brokerOrder({ id: 's-1', side: 'sell', filledAvgPrice: dec('11'), filledAt: ENTRY_AT + 10, submittedAt: ENTRY_AT + 10 });
    const findings = reconcile([pending], snapshot({ entryOrders: new Map([['p-1', order]]), closedOrders: new Map([['AAPL', [exit]]]) }));
    expect(findings.map((f) => f.kind)).toEqual(['pending_entry_filled', 'closed_at_broker']);
    expect(findings[1]?.kind === 'closed_at_broker' && findings[1].pnl.toFixed()).toBe('10');
  });
});
