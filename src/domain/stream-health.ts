/** How a broker stream is doing, as the status reports it. */
export const STREAM_HEALTH = ['live', 'reconnecting', 'down', 'off'] as const;
/**
 * live: connected (the trade stream: and its catch-up after the connect finished);
 * reconnecting: connecting, catching up, or waiting to retry: it recovers by itself;
 * down: it gave up (a fatal error, or the trade stream's catch-up failed and nothing retries it);
 * off: not running (no broker adapters, or the stream was never started).
 */
export type StreamHealth = (typeof STREAM_HEALTH)[number];

export interface StreamsHealth {
  tradeUpdates: StreamHealth;
  marketData: StreamHealth;
}

export const STREAMS_OFF: StreamsHealth = Object.freeze({ tradeUpdates: 'off', marketData: 'off' });
