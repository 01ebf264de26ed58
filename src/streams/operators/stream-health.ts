/**
 * Stream health from the streams' own life events (pure scans, marble-testable):
 *  - the trade stream follows the stream-gap gate (trade-stream-gate.ts), so the status and the
 *    entry gate never disagree: live only once the catch-up after a connect finished. The broker
 *    switch starts the stream as it attaches, so before its first event it is connecting;
 *  - the market data stream is live from its 'connected' (it has no catch-up); the position
 *    supervisor starts it, so before its first event it is off. A 'disconnected' with no retry
 *    delay is a deliberate stop (off); one with a delay is reconnecting.
 */
import { distinctUntilChanged, map, scan, startWith, type OperatorFunction } from 'rxjs';
import type { StreamHealth } from '../../domain/stream-health.js';
import type { MarketDataEvent } from '../../ports/market-data.port.js';
import type { TradeStreamEvent } from '../../ports/trade-stream.port.js';
import { tradeStreamGate, type StreamGate } from './trade-stream-gate.js';

const FROM_GATE: Record<StreamGate['phase'], StreamHealth> = {
  never_connected: 'reconnecting', catching_up: 'reconnecting', live: 'live', disconnected: 'reconnecting',
  // connected, but what it missed was not caught up, and nothing retries that before the next connect
  resync_failed: 'down', fatal: 'down',
};

export function tradeStreamHealth(): OperatorFunction<TradeStreamEvent, StreamHealth> {
  return (events$) => events$.pipe(tradeStreamGate(), map((gate) => FROM_GATE[gate.phase]), distinctUntilChanged());
}

export function marketDataHealth(): OperatorFunction<MarketDataEvent, StreamHealth> {
  return (events$) => events$.pipe(
    scan<MarketDataEvent, StreamHealth>((health, e) => {
      switch (e.type) {
        case 'connected': return 'live';
        case 'disconnected': return e.retryInMs === null ? 'off' : 'reconnecting';
        case 'fatal': return 'down';
        default: return health;
      }
    }, 'off'),
    startWith<StreamHealth>('off'),
    distinctUntilChanged(),
  );
}
