/**
 * Composition of the Alpaca adapters from resolved config (urls.ts). One HTTP client and rate
 * limiter per API: trading and market data have separate 200/min budgets (docs/alpaca.md §1.4).
 * Used by main.ts for real Alpaca and by tests/CLI against the simulated exchange on loopback.
 */
import type { DataFeed } from '../../domain/market-data.js';
import type { BrokerPort } from '../../ports/broker.port.js';
import type { Clock, Random } from '../../ports/clock.port.js';
import type { MarketDataPort, MarketDataStreamPort } from '../../ports/market-data.port.js';
import type { MetricsPort } from '../../ports/metrics.port.js';
import type { TradeStreamPort } from '../../ports/trade-stream.port.js';
import { AlpacaBroker } from './alpaca-broker.js';
import { AlpacaHttpClient, type FetchLike } from './http-client.js';
import { sharedNodeHttpFetch } from './node-http-fetch.js';
import { AlpacaMarketDataStream } from './market-data-stream.client.js';
import { AlpacaMarketData } from './market-data.client.js';
import { RateLimiter, type RateLimitWait } from './rate-limiter.js';
import { AlpacaTradeStream, type TradeStreamAuthForm } from './trade-stream.client.js';
import type { ResolvedAlpaca } from './urls.js';

export interface AlpacaAdapterDeps {
  clock: Clock;
  random: Random;
  /** default: node:http with a keep-alive pool (node-http-fetch.ts) */
  fetch?: FetchLike;
  /** request timeouts; defaults to `clock` (tests pass a separate ManualClock) */
  timeoutClock?: Clock;
  /** a REST request is held for a rate-limit window longer than a second (once per wait) */
  onRateLimitWait?: (wait: RateLimitWait & { api: AlpacaApi }) => void;
  /** broker requests and order submissions are counted here (default: none) */
  metrics?: MetricsPort;
  /** the two streams without sockets (a backtest reads the simulated exchange's events in its own
   *  process); default: the websocket clients of the configured URLs */
  streams?: () => Pick<AlpacaAdapters, 'tradeStream' | 'marketDataStream'>;
}

export type AlpacaApi = 'trading' | 'market data';

export interface AlpacaAdapterTuning {
  timeoutMs?: number;
  /** requests per minute kept under Alpaca's 200; null disables the client-side limiter */
  maxRequestsPerMinute?: number | null;
  tradeStreamAuthForm?: TradeStreamAuthForm;
  feed?: DataFeed;
}

export interface AlpacaAdapters {
  broker: BrokerPort;
  tradeStream: TradeStreamPort;
  marketData: MarketDataPort;
  marketDataStream: MarketDataStreamPort;
  /** epoch ms until which REST requests (either API) wait for a rate-limit window; null when none waits */
  rateLimitedUntil(): number | null;
}

export function createAlpacaAdapters(config: ResolvedAlpaca & { tuning?: AlpacaAdapterTuning }, deps: AlpacaAdapterDeps): AlpacaAdapters {
  const { credentials } = config;
  if (!credentials || config.problems.length > 0) {
    throw new Error(`Alpaca configuration is invalid: ${config.problems.join('; ') || 'credentials missing'}`);
  }
  const tuning = config.tuning ?? {};
  const limit = tuning.maxRequestsPerMinute === undefined ? 190 : tuning.maxRequestsPerMinute;
  const limiters: RateLimiter[] = [];
  const http = (baseUrl: string, api: AlpacaApi) => {
    const limiter = limit === null ? null : new RateLimiter({ clock: deps.clock, maxPerWindow: limit, onWait: (wait) => deps.onRateLimitWait?.({ ...wait, api }) });
    if (limiter) limiters.push(limiter);
    return new AlpacaHttpClient({
      baseUrl, credentials, clock: deps.clock, random: deps.random, fetch: deps.fetch ?? sharedNodeHttpFetch(), timeoutMs: tuning.timeoutMs, timeoutClock: deps.timeoutClock, limiter, metrics: deps.metrics,
    });
  };
  const broker = new AlpacaBroker({ mode: config.mode, http: http(config.urls.trading, 'trading'), metrics: deps.metrics });
  const streams = deps.streams?.() ?? {
    tradeStream: new AlpacaTradeStream({
      url: config.urls.tradeStream, credentials, broker, clock: deps.clock, random: deps.random, authForm: tuning.tradeStreamAuthForm,
    }),
    marketDataStream: new AlpacaMarketDataStream({ url: config.urls.dataStream, credentials, clock: deps.clock, random: deps.random }),
  };
  return {
    broker,
    ...streams,
    marketData: new AlpacaMarketData({ http: http(config.urls.data, 'market data'), feed: tuning.feed ?? feedFromStreamUrl(config.urls.dataStream) }),
    rateLimitedUntil: () => {
      const until = limiters.map((l) => l.waitingUntil()).filter((u): u is number => u !== null);
      return until.length === 0 ? null : Math.max(...until);
    },
  };
}

/** wss://…/v2/iex → 'iex', so REST reads match what the stream shows; unknown → Alpaca's default */
function feedFromStreamUrl(url: string): DataFeed | undefined {
  const last = url.replace(/\/+$/, '').split('/').pop();
  const feeds: DataFeed[] = ['iex', 'sip', 'delayed_sip', 'boats', 'overnight', 'otc'];
  return feeds.find((f) => f === last);
}

export { resolveAlpacaUrls } from './urls.js';
export { Credentials } from './credentials.js';
