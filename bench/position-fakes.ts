/**
 * The position benchmarks' in-memory world (bench/positions.ts): a trade template, a clock that
 * never waits, and a broker and store that answer at once.
 */
import type { PositionActorDeps } from '../src/actors/position-host.js';
import type { PositionRuntime } from '../src/actors/position-runtime.js';
import { dec, type Decimal, ZERO } from '../src/domain/money.js';
import type { Order } from '../src/domain/order.js';
import type { Trade } from '../src/domain/trade.js';
import type { TradeStore } from '../src/ports/trade-store.port.js';

export const T0 = Date.parse('2026-11-23T15:00:00Z');

export const trade: Trade = {
  id: '00000000-0000-4000-8000-000000000001', symbol: 'AAPL', side: 'buy', status: 'open', entryPrice: dec('100'), exitPrice: null, shares: dec('10'),
  notional: dec('1000'), pnl: null, pnlPct: null, fees: null, catalystType: null, catalystTier: null, stars: null, strategy: null, signalId: null,
  entryClientOrderId: 'keel-sig-1', entryOrderId: null, exitClientOrderId: null, exitOrderId: null, exitReason: null, peakPrice: dec('100'),
  notes: null, entryAt: T0, exitAt: null, mode: 'paper', createdAt: T0, updatedAt: T0,
};

export const benchClock = { now: () => T0, sleep: async () => undefined };
/** one turn of the event loop: the actors' queued steps and the fills scheduled on it run */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * In-memory broker and store: every write succeeds, every sell is accepted, and its fill arrives
 * on the next turn of the event loop through the keyed order stream, as a trade_updates fill would.
 */
export function benchServices(trades: Map<string, Trade>, runtime: PositionRuntime): Pick<PositionActorDeps, 'store' | 'broker' | 'route'> {
  /** client order id → trade (the fill router's part) */
  const routes = new Map<string, string>();
  const row = (id: string, patch: object) => {
    const next = { ...trades.get(id)!, ...patch } as Trade;
    trades.set(id, next);
    return next;
  };
  const store: TradeStore = {
    saveStep: async (id, patch) => row(id, patch),
    close: async (t) => row(t.id, { status: 'closed' }),
    appendJournal: async () => undefined,
    journalOf: async () => [],
    getTrade: async (id) => trades.get(id) ?? null,
    liveTrades: async () => [],
    exitRules: async () => { throw new Error('not in the bench'); },
  };
  const broker = {
    submitOrder: async (r: { symbol: string; clientOrderId: string; qty?: Decimal }) => {
      const tradeId = routes.get(r.clientOrderId);
      routes.delete(r.clientOrderId);
      const accepted = sell(r.symbol, r.clientOrderId, r.qty!, false);
      setImmediate(() => { if (tradeId) runtime.orders.next(tradeId, { order: sell(r.symbol, r.clientOrderId, r.qty!, true, accepted.id), at: T0 }); });
      return { kind: 'accepted' as const, order: accepted, recovered: false };
    },
    cancelOrder: async () => undefined,
  } as unknown as PositionActorDeps['broker'];
  return { store, broker, route: (tradeId, key) => { if (key.includes('-x')) routes.set(key, tradeId); } };
}

let orderSeq = 0;
const PRICE = dec(92);
function sell(symbol: string, clientOrderId: string, qty: Decimal, filled: boolean, id = `o-${++orderSeq}`): Order {
  return {
    id, clientOrderId, symbol, assetId: 'a', assetClass: 'us_equity', side: 'sell', type: 'market', timeInForce: 'day', orderClass: 'simple',
    status: filled ? 'filled' : 'new', statusRaw: filled ? 'filled' : 'new', qty, notional: null, filledQty: filled ? qty : ZERO, filledAvgPrice: filled ? PRICE : null,
    limitPrice: null, stopPrice: null, trailPrice: null, trailPercent: null, hwm: null, extendedHours: false, positionIntent: null,
    createdAt: T0, updatedAt: T0, submittedAt: T0, filledAt: filled ? T0 : null,
  } as Order;
}
