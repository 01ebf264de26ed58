/**
 * The broker's market clock (holidays and early closes included), cached briefly so a dashboard
 * polling status does not spend the 200/min request budget. An unreachable broker answers null —
 * also cached, so a down broker is not hammered by every status call. While the broker's
 * rate-limit window holds requests, the last answer stands (null when there is none): a status
 * read must not queue behind a window that can take a minute to reset.
 * The whole clock is kept (next open and close too): the status shows countdowns from it.
 */
import type { MarketClock } from '../../domain/account.js';
import type { BrokerPort } from '../../ports/broker.port.js';
import type { Clock } from '../../ports/clock.port.js';
import type { EpochMs } from '../../domain/time.js';

export interface MarketClockCache {
  /** the broker's clock as last read (at most ttlMs old); null when the broker cannot be reached */
  read(): Promise<MarketClock | null>;
  /** the cached clock without asking the broker (value null: unreachable); null when it has lapsed (read() would ask) */
  peek(): { value: MarketClock | null } | null;
  clear(): void;
}

/** what the entry gate reads of the broker's clock (null: unreachable) */
export const gateClock = (c: MarketClock | null): { marketOpen: boolean | null; sessionClose: EpochMs | null } =>
  ({ marketOpen: c?.isOpen ?? null, sessionClose: c?.isOpen ? c.nextClose : null });

export function createMarketClockCache(clock: Clock, broker: () => BrokerPort | null, ttlMs = 15_000): MarketClockCache {
  let cached: { at: number; value: MarketClock | null } | null = null;
  const read = async (): Promise<MarketClock | null> => {
    if (cached && clock.now() - cached.at < ttlMs) return cached.value;
    const current = broker();
    if (current?.rateLimitedUntil?.() != null) return cached?.value ?? null;
    let value: MarketClock | null = null;
    try {
      value = current ? await current.getClock() : null;
    } catch {
      value = null;
    }
    cached = { at: clock.now(), value };
    return value;
  };
  return {
    read,
    peek() {
      return cached && clock.now() - cached.at < ttlMs ? { value: cached.value } : null;
    },
    clear() {
      cached = null;
    },
  };
}
