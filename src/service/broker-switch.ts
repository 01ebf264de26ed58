/**
 * Holds the Alpaca adapters of the current trading mode and moves them to another mode on
 * request: the old streams are stopped before the new ones start, so two environments are never
 * listened to at once. A mode without credentials has no adapters (the broker reads as unreachable).
 */
import type { Subscription } from 'rxjs';
import { createAlpacaAdapters, type AlpacaAdapters } from '../adapters/alpaca/index.js';
import type { RateLimitWait } from '../adapters/alpaca/rate-limiter.js';
import type { AlpacaAdapterDeps, AlpacaApi } from '../adapters/alpaca/index.js';
import type { ResolvedAlpaca } from '../adapters/alpaca/urls.js';
import type { TradingModeName } from '../domain/bot-config.js';
import type { BrokerPort } from '../ports/broker.port.js';
import type { Clock, Random } from '../ports/clock.port.js';
import type { MetricsPort } from '../ports/metrics.port.js';

export interface BrokerSwitchDeps {
  clock: Clock;
  random: Random;
  resolvedFor: (mode: TradingModeName) => ResolvedAlpaca | null;
  /** wires the new adapters' streams (journal, …); returns what to unsubscribe on the next switch */
  attach: (adapters: AlpacaAdapters) => Subscription;
  /** a REST request waits longer than a second for Alpaca's rate-limit window (once per wait) */
  onRateLimitWait?: (wait: RateLimitWait & { api: AlpacaApi }) => void;
  /** the adapters count their requests and orders here; the mode in force is reported on each switch */
  metrics?: MetricsPort;
  /** the transport of an exchange in this process (a backtest's: no sockets); default the network */
  transport?: Pick<AlpacaAdapterDeps, 'fetch' | 'streams'>;
}

export class BrokerSwitch {
  private current: { mode: TradingModeName; adapters: AlpacaAdapters; attached: Subscription } | null = null;

  constructor(private readonly deps: BrokerSwitchDeps) {}

  get broker(): BrokerPort | null {
    return this.current?.adapters.broker ?? null;
  }

  /** all four adapters of the current mode (the position supervisor and the pipeline read them) */
  get adapters(): AlpacaAdapters | null {
    return this.current?.adapters ?? null;
  }

  /** epoch ms until which the current adapters' REST requests wait for a rate-limit window; null when none waits */
  rateLimitedUntil(): number | null {
    return this.current?.adapters.rateLimitedUntil() ?? null;
  }

  get mode(): TradingModeName | null {
    return this.current?.mode ?? null;
  }

  /** false (and nothing changes) when `mode` has no credentials */
  async switchTo(mode: TradingModeName): Promise<boolean> {
    const resolved = this.deps.resolvedFor(mode);
    if (!resolved) return false;
    await this.stop();
    const adapters = createAlpacaAdapters(resolved, { clock: this.deps.clock, random: this.deps.random, onRateLimitWait: this.deps.onRateLimitWait, metrics: this.deps.metrics, ...this.deps.transport });
    const attached = this.deps.attach(adapters);
    adapters.tradeStream.start();
    this.current = { mode, adapters, attached };
    this.deps.metrics?.tradingMode(mode);
    return true;
  }

  async stop(): Promise<void> {
    const previous = this.current;
    this.current = null;
    if (!previous) return;
    previous.attached.unsubscribe();
    await previous.adapters.tradeStream.stop();
    await previous.adapters.marketDataStream.stop();
  }
}
