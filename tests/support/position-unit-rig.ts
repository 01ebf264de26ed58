/**
 * Position actors and their supervisor without a database or a network: the in-memory TradeStore,
 * a scripted broker (each submitOrder answers with the next scripted outcome) and fake streams,
 * all on a ManualClock. For unit tests; the Postgres + simulated-exchange tests are the others.
 */
import { Subject } from 'rxjs';
import type { PositionAdapters } from '../../src/actors/position-supervisor.deps.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { BrokerError } from '../../src/domain/broker-error.js';
import { dec, type Decimal } from '../../src/domain/money.js';
import type { Order, OrderRequest } from '../../src/domain/order.js';
import { NO_PROTECTIVE_STOP, type Trade } from '../../src/domain/trade.js';
import type { BrokerPort, SubmitOutcome } from '../../src/ports/broker.port.js';
import type { MarketDataEvent } from '../../src/ports/market-data.port.js';
import type { TradeStreamEvent } from '../../src/ports/trade-stream.port.js';
import { anOrder, aPosition } from './alpaca-builders.js';

export const T0 = Date.parse('2026-11-23T15:00:00Z');

export function aLiveTrade(overrides: Partial<Trade> = {}): Trade {
  return {
    id: '00000000-0000-4000-8000-000000000001', symbol: 'AAPL', side: 'buy', status: 'open', entryPrice: dec('100'), exitPrice: null, shares: dec('10'),
    notional: dec('1000'), pnl: null, pnlPct: null, fees: null, catalystType: null, catalystTier: null, stars: null, strategy: null, signalId: null,
    entryClientOrderId: 'keel-sig-1', entryOrderId: null, exitClientOrderId: 'keel-sig-1-x1', exitOrderId: null, exitReason: null, peakPrice: dec('100'),
    notes: null, ...NO_PROTECTIVE_STOP, entryAt: T0, exitAt: null, mode: 'paper', createdAt: T0, updatedAt: T0,
    ...overrides,
  };
}

export const sellOrder = (req: OrderRequest, overrides: Partial<Order> = {}): Order => anOrder({
  id: `sell-${req.clientOrderId}`, clientOrderId: req.clientOrderId, symbol: req.symbol, side: 'sell', type: 'market', status: 'new', statusRaw: 'new',
  qty: req.qty ?? null, filledQty: dec(0), filledAvgPrice: null, limitPrice: null, positionIntent: 'sell_to_close', ...overrides,
});

/** a broker whose answers the test scripts; every call is recorded in `calls` */
export class ScriptedBroker {
  readonly calls: string[] = [];
  readonly submitted: OrderRequest[] = [];
  /** what the next submitOrder answers (default: accepted, new) */
  readonly outcomes: Array<(req: OrderRequest) => SubmitOutcome> = [];
  /** the broker's position of the symbol (null: flat) */
  held: Decimal | null = dec('10');
  /** orders findable by client order id */
  readonly orders = new Map<string, Order>();

  readonly port = {
    submitOrder: async (req: OrderRequest): Promise<SubmitOutcome> => {
      this.calls.push(`submit ${req.clientOrderId} ${req.qty?.toFixed() ?? ''}`);
      this.submitted.push(req);
      const outcome = this.outcomes.shift()?.(req) ?? { kind: 'accepted', order: sellOrder(req), recovered: false };
      if (outcome.kind === 'accepted') this.orders.set(req.clientOrderId, outcome.order);
      return outcome;
    },
    getOrderByClientOrderId: async (coid: string) => { this.calls.push(`lookup ${coid}`); return this.orders.get(coid) ?? null; },
    listAllOrders: async () => { this.calls.push('list sells'); return [...this.orders.values()].filter((o) => o.side === 'sell'); },
    getPosition: async (symbol: string) => { this.calls.push(`position ${symbol}`); return this.held ? aPosition({ symbol, side: 'long', qty: this.held, avgEntryPrice: dec('100') }) : null; },
    cancelOrder: async (id: string) => { this.calls.push(`cancel ${id}`); },
    getOrder: async (id: string) => [...this.orders.values()].find((o) => o.id === id) ?? null,
    getCalendar: async () => [],
  } as unknown as BrokerPort;
}

export const rejected = (message: string, code = 40310000): (req: OrderRequest) => SubmitOutcome =>
  () => ({ kind: 'rejected', error: new BrokerError({ category: 'forbidden', operation: 'submitOrder', status: 403, code, message }) });

/** the adapters of one mode, with streams the test drives */
export function fakeAdapters(broker: ScriptedBroker) {
  const tradeEvents = new Subject<TradeStreamEvent>();
  const marketEvents = new Subject<MarketDataEvent>();
  const adapters: PositionAdapters = {
    broker: broker.port,
    tradeStream: { events$: tradeEvents, start: () => undefined, stop: async () => undefined, requestResync: () => undefined },
    marketData: { getSnapshots: async () => ({}), getLatestTrades: async () => ({}), getBars: async () => ({}) },
    marketDataStream: { events$: marketEvents, subscribe: () => undefined, unsubscribe: () => undefined, start: () => undefined, stop: async () => undefined },
  };
  return { adapters, tradeEvents, marketEvents };
}

export const newClock = () => new ManualClock(T0);
