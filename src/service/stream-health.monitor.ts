/**
 * The current health of the broker streams, for the status: follows the adapters the broker switch
 * attaches (stream-health.ts), and reads 'off' for both once they are detached (a mode switch, a
 * lost writer lease, shutdown) or before any were attached. Memory only: the status never waits.
 */
import { Subscription, type Observable } from 'rxjs';
import { STREAMS_OFF, type StreamsHealth } from '../domain/stream-health.js';
import type { MarketDataEvent } from '../ports/market-data.port.js';
import type { TradeStreamEvent } from '../ports/trade-stream.port.js';
import { marketDataHealth, tradeStreamHealth } from '../streams/operators/stream-health.js';

export class StreamHealthMonitor {
  private health: StreamsHealth = STREAMS_OFF;

  current(): StreamsHealth {
    return this.health;
  }

  /** follows one set of adapters' streams until the returned subscription is unsubscribed */
  attach(streams: { trade: Observable<TradeStreamEvent>; marketData: Observable<MarketDataEvent> }): Subscription {
    const subs = new Subscription();
    subs.add(streams.trade.pipe(tradeStreamHealth()).subscribe((tradeUpdates) => { this.health = { ...this.health, tradeUpdates }; }));
    subs.add(streams.marketData.pipe(marketDataHealth()).subscribe((marketData) => { this.health = { ...this.health, marketData }; }));
    subs.add(() => { this.health = STREAMS_OFF; });
    return subs;
  }
}
