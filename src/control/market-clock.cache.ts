/**
 * The broker's market clock (holidays and early closes included), cached briefly so a dashboard
 * polling status does not spend the 200/min request budget. An unreachable broker answers null —
 * also cached, so a down broker is not hammered by every status call. While the broker's
 * rate-limit window holds requests, the last answer stands (null when there is none): a status
 * read must not queue behind a window that can take a minute to reset.
 */
import type { BrokerPort } from '../ports/broker.port.js';
import type { Clock } from '../ports/clock.port.js';

export interface MarketClockCache {
  isOpen(): Promise<boolean | null>;
  /** the cached answer without asking the broker; null when it has lapsed (isOpen() would read) */
  peek(): { value: boolean | null } | null;
  clear(): void;
}

export function createMarketClockCache(clock: Clock, broker: () => BrokerPort | null, ttlMs = 15_000): MarketClockCache {
  let cached: { at: number; value: boolean | null } | null = null;
  return {
    async isOpen() {
      if (cached && clock.now() - cached.at < ttlMs) return cached.value;
      const current = broker();
      if (current?.rateLimitedUntil?.() != null) return cached?.value ?? null;
      let value: boolean | null = null;
      try {
        value = current ? (await current.getClock()).isOpen : null;
      } catch {
        value = null;
      }
      cached = { at: clock.now(), value };
      return value;
    },
    peek() {
      return cached && clock.now() - cached.at < ttlMs ? { value: cached.value } : null;
    },
    clear() {
      cached = null;
    },
  };
}
