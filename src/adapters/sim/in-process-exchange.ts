/**
 * The simulated exchange in Keel's own process with no socket at all (a backtest): Keel's real
 * Alpaca REST client talks to the exchange's real REST app through a fetch that calls it directly
 * (every request still goes through Alpaca's wire format, both ways), and the two streams are read
 * from the exchange's own event sources.
 * Invariants:
 *  - order events reach Keel in the order the exchange made them, each on a later turn of the
 *    event loop than the request that caused it (as a websocket frame would): never inside the
 *    exchange's own call, so Keel never re-enters it while it works;
 *  - the market-data stream carries the trades of the symbols Keel subscribed to, and only those
 *    are produced at all (`wanted` is the exchange's market interest);
 *  - each stream emits 'connected' on start; the trade stream then 'resynced' with the open orders
 *    (as the websocket client does after its REST catch-up), and again on requestResync().
 */
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { AlpacaAdapterDeps } from '../alpaca/index.js';
import type { FetchLike } from '../alpaca/http-client.js';
import type { Clock } from '../../ports/clock.port.js';
import type { MarketDataEvent, MarketDataStreamPort } from '../../ports/market-data.port.js';
import type { TradeStreamEvent, TradeStreamPort } from '../../ports/trade-stream.port.js';
import type { StreamSubscription } from '../../domain/market-data.js';
import type { TradeUpdate } from '../../domain/trade-update.js';
import { createSimExchange, type SimExchangeOptions } from './engine/sim-exchange.js';
import type { SimExchangeCore } from './exchange.types.js';
import { createSimApp } from './server/sim-server.js';

const BASE_URL = 'http://exchange.in-process';

export interface InProcessExchange {
  /** ALPACA_* variables for resolveAlpacaUrls(…, 'paper'): placeholders, no request leaves the process */
  env: Readonly<Record<string, string>>;
  transport: Required<Pick<AlpacaAdapterDeps, 'fetch' | 'streams'>>;
  /** printable */
  description: string;
}

export interface InProcessSimExchange {
  core: SimExchangeCore;
  exchange: InProcessExchange;
  /** the symbols Keel's market-data stream subscribed to */
  wanted: ReadonlySet<string>;
}

export function createInProcessExchange(opts: Omit<SimExchangeOptions, 'marketInterest'> & { onError?: (error: unknown) => void }): InProcessSimExchange {
  const wanted = new Set<string>();
  const core = createSimExchange({ ...opts, marketInterest: (symbol) => wanted.has(symbol) });
  const app = createSimApp({ core, clock: opts.clock, onError: opts.onError });
  const fetch: FetchLike = async (url, init) => app.fetch(new Request(url, init));
  return {
    core,
    wanted,
    exchange: {
      env: { ALPACA_PAPER_URL: BASE_URL, ALPACA_DATA_URL: BASE_URL, ALPACA_DATA_STREAM_URL: 'ws://exchange.in-process/v2/iex', ALPACA_API_KEY: 'keel-sim', ALPACA_API_SECRET: 'keel-sim-secret' },
      transport: {
        fetch,
        streams: () => ({ tradeStream: new InProcessTradeStream(core, opts.clock), marketDataStream: new InProcessMarketDataStream(core, opts.clock, wanted) }),
      },
      description: 'simulated exchange in this process (a replay of recorded prices)',
    },
  };
}

class InProcessTradeStream implements TradeStreamPort {
  private readonly subject = new Subject<TradeStreamEvent>();
  readonly events$: Observable<TradeStreamEvent> = this.subject.asObservable();
  private source: Subscription | null = null;
  private queue: TradeUpdate[] = [];

  constructor(private readonly core: SimExchangeCore, private readonly clock: Clock) {}

  start(): void {
    if (this.source) return;
    this.source = this.core.tradeUpdates$.subscribe((update) => {
      this.queue.push(update);
      if (this.queue.length === 1) setImmediate(() => this.deliver());
    });
    this.subject.next({ type: 'connected', at: this.clock.now(), attempt: 1 });
    this.resync();
  }

  requestResync(): void {
    if (this.source) this.resync();
  }

  async stop(): Promise<void> {
    this.source?.unsubscribe();
    this.source = null;
    this.queue = [];
  }

  private deliver(): void {
    const batch = this.queue;
    this.queue = [];
    if (!this.source) return;
    for (const update of batch) this.subject.next({ type: 'trade_update', update, receivedAt: this.clock.now() });
  }

  private resync(): void {
    const now = this.clock.now();
    const open = this.core.listOrders({ status: 'open', limit: '500' });
    if (!open.ok) {
      this.subject.next({ type: 'resync_failed', at: now, error: open.body.message });
      return;
    }
    this.subject.next({ type: 'resynced', at: now, since: now, openOrders: open.value, fills: [] });
  }
}

class InProcessMarketDataStream implements MarketDataStreamPort {
  private readonly subject = new Subject<MarketDataEvent>();
  readonly events$: Observable<MarketDataEvent> = this.subject.asObservable();
  private source: Subscription | null = null;

  constructor(private readonly core: SimExchangeCore, private readonly clock: Clock, private readonly wanted: Set<string>) {}

  subscribe(delta: Partial<StreamSubscription>): void {
    for (const symbol of delta.trades ?? []) this.wanted.add(symbol);
  }

  unsubscribe(delta: Partial<StreamSubscription>): void {
    for (const symbol of delta.trades ?? []) this.wanted.delete(symbol);
  }

  start(): void {
    if (this.source) return;
    this.source = this.core.marketEvents$.subscribe((event) => {
      if (event.T === 't' && this.wanted.has(event.trade.symbol)) this.subject.next({ type: 'trade', trade: event.trade });
    });
    this.subject.next({ type: 'connected', at: this.clock.now(), attempt: 1 });
  }

  async stop(): Promise<void> {
    this.source?.unsubscribe();
    this.source = null;
  }
}
