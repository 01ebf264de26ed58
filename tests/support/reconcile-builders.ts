/** Hand-written builders for reconciliation tests: journal trades and a broker snapshot. */
import type { BrokerSnapshot } from '../../src/core/reconcile/reconcile.js';
import type { Position } from '../../src/domain/account.js';
import { dec } from '../../src/domain/money.js';
import type { Order } from '../../src/domain/order.js';
import { NO_PROTECTIVE_STOP, type Trade } from '../../src/domain/trade.js';
import { anOrder, aPosition } from './alpaca-builders.js';

export const ENTRY_AT = Date.parse('2026-11-23T15:00:00Z');

export function aJournalTrade(overrides: Partial<Trade> = {}): Trade {
  return {
    id: 't-1', symbol: 'AAPL', side: 'buy', status: 'open', entryPrice: dec('100'), exitPrice: null, shares: dec('10'),
    notional: dec('1000'), pnl: null, pnlPct: null, fees: null, catalystType: 'earnings', catalystTier: 1, stars: 4,
    strategy: 'gap', signalId: 'sig-1', entryClientOrderId: 'keel-t-1-entry', entryOrderId: 'o-entry-1', exitClientOrderId: null,
    exitOrderId: null, exitReason: null, peakPrice: dec('100'), notes: null, ...NO_PROTECTIVE_STOP, entryAt: ENTRY_AT, exitAt: null,
    mode: 'paper', createdAt: ENTRY_AT - 1_000, updatedAt: ENTRY_AT, ...overrides,
  };
}

export function brokerOrder(overrides: Partial<Order> = {}): Order {
  return anOrder({
    id: 'o-1', clientOrderId: 'c-1', side: 'buy', type: 'market', status: 'filled', statusRaw: 'filled', qty: dec('10'),
    filledQty: dec('10'), filledAvgPrice: dec('100'), limitPrice: null, createdAt: ENTRY_AT, submittedAt: ENTRY_AT,
    filledAt: ENTRY_AT, updatedAt: ENTRY_AT, legs: null, ...overrides,
  });
}

export function position(symbol: string, qty: string, avg = '100'): Position {
  return aPosition({ symbol, qty: dec(qty), avgEntryPrice: dec(avg) });
}

export function snapshot(overrides: Partial<BrokerSnapshot> = {}): BrokerSnapshot {
  return { positions: [], openOrders: [], entryOrders: new Map(), closedOrders: new Map(), ...overrides };
}
