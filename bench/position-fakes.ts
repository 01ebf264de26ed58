/**
 * The position benchmarks' in-memory world (bench/positions.ts): a trade template, a clock that
 * never waits, and a broker and store that answer at once.
 */
import type { PositionActorDeps } from '../src/actors/position-host.js';
import { PositionActor } from '../src/actors/position.actor.js';
import { PositionRuntime } from '../src/actors/position-runtime.js';
import type { InspectionObserver } from '../src/ports/inspection.port.js';
import { dec, type Decimal, ZERO } from '../src/domain/money.js';
import type { Order } from '../src/domain/order.js';
import { NO_PROTECTIVE_STOP, type Trade } from '../src/domain/trade.js';
import type { TradeStore } from '../src/ports/trade-store.port.js';

export const T0 = Date.parse('2026-11-23T15:00:00Z');

export const trade: Trade = {
  id: '00000000-0000-4000-8000-000000000001', symbol: 'AAPL', side: 'buy', status: 'open', entryPrice: dec('100'), exitPrice: null, shares: dec('10'),
  notional: dec('1000'), pnl: null, pnlPct: null, fees: null, catalystType: null, catalystTier: null, stars: null, strategy: null, signalId: null,
  entryClientOrderId: 'keel-sig-1', entryOrderId: null, exitClientOrderId: null, exitOrderId: null, exitReason: null, peakPrice: dec('100'),
  notes: null, ...NO_PROTECTIVE_STOP, entryAt: T0, exitAt: null, mode: 'paper', createdAt: T0, updatedAt: T0,
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

/**
 * A supervisor's worth of in-memory services whose actors are created with `inspect`: per(n) runs n
 * exit lifecycles (a PositionActor created open, EXIT through the keyed decisions stream, its sell,
 * the fill through the keyed order stream, the close) to the end, and answers µs per lifecycle.
 * Lifecycles finish on the event loop, so they are started a batch at a time between turns.
 */
export function exitWorld(name: string, inspect?: InspectionObserver): { per(n: number): Promise<number> } {
  const trades = new Map<string, Trade>();
  const runtime = new PositionRuntime(benchClock);
  const services = benchServices(trades, runtime);
  let closed = 0, failures = 0, seq = 0;
  const deps: PositionActorDeps = {
    ...services, clock: benchClock, emit: (e) => { if (e.type === 'closed') closed++; }, resolve: {}, stopPolicy: () => ({ mode: 'off' as const, level: null }),
    arm: () => undefined, disarm: () => undefined, failed: () => { failures++; },
    finished: (host) => { (host as PositionActor).stop(); trades.delete(host.trade.id); },
  };
  const decision = { reason: 'hard_stop' as const, price: 92, detail: 'bench', at: T0 };
  const lifecycle = () => {
    const id = `${name}-${++seq}`;
    const t: Trade = { ...trade, id, entryClientOrderId: `c-${id}` };
    trades.set(id, t);
    new PositionActor(t, deps, runtime, inspect).start();
    runtime.decisions.next(id, decision);
  };
  return {
    async per(n) {
      const from = closed;
      const start = performance.now();
      for (let i = 0; i < n; i++) {
        lifecycle();
        if (i % 1000 === 999) await settle();
      }
      while (closed - from < n) {
        if (failures > 0) throw new Error(`${name}: ${failures} actor step(s) failed`);
        await settle();
      }
      return ((performance.now() - start) * 1000) / n;
    },
  };
}
