/**
 * The metrics port over prom-client, served as Prometheus text by GET /metrics.
 * Invariants: one Registry per Keel instance (never prom-client's global one), so several Keels
 * in one process (tests) keep separate counts; enum-like gauges (bot state, trading mode) carry
 * every value of their closed set, 1 for the current one and 0 for the rest, so a query never
 * sees a stale 1; label values come only from closed sets or route templates (metrics.port.ts).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BOT_STATES, BREAKER_LEVELS, TRADING_MODES, type BreakerLevel } from '../../domain/bot-config.js';
import type { Clock } from '../../ports/clock.port.js';
import type { MetricsPort, MetricsStream } from '../../ports/metrics.port.js';

/** seconds; an entry fills within a second on a liquid name and a signal turns into an order in milliseconds */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const STREAMS: readonly MetricsStream[] = ['trade_updates', 'market_data'];

export interface PromMetrics extends MetricsPort {
  readonly registry: Registry;
  /** the Prometheus text exposition */
  scrape(): Promise<string>;
  readonly contentType: string;
}

export function createPromMetrics(opts: { clock: Clock; version: string }): PromMetrics {
  const registry = new Registry();
  const on = { registers: [registry] };
  new Gauge({ name: 'keel_build_info', help: 'Keel build; always 1', labelNames: ['version'], ...on }).set({ version: opts.version }, 1);
  const botState = new Gauge({ name: 'keel_bot_state', help: 'bot state: 1 for the current one', labelNames: ['state'], ...on });
  const mode = new Gauge({ name: 'keel_trading_mode', help: 'trading mode: 1 for the current one', labelNames: ['mode'], ...on });
  const equity = new Gauge({ name: 'keel_equity_usd', help: 'account equity at the last account snapshot', ...on });
  const drawdown = new Gauge({ name: 'keel_drawdown_ratio', help: "the day's drawdown from the session start equity (0.05 = 5 %)", ...on });
  const openPositions = new Gauge({ name: 'keel_open_positions', help: 'trades Keel holds open (entries filled, not yet closed)', ...on });
  const realized = new Gauge({ name: 'keel_realized_pnl_today_usd', help: "today's realized P&L of the current mode", ...on });
  const signals = new Counter({ name: 'keel_signals_total', help: 'decisions on signals, by outcome', labelNames: ['outcome'], ...on });
  const orders = new Counter({ name: 'keel_orders_submitted_total', help: 'orders sent to the broker', labelNames: ['side'], ...on });
  const rejections = new Counter({ name: 'keel_order_rejections_total', help: 'orders the broker refused, by reason', labelNames: ['reason'], ...on });
  const entryFill = new Histogram({ name: 'keel_entry_fill_seconds', help: "from an entry's submission to its first fill", buckets: LATENCY_BUCKETS, ...on });
  const signalToOrder = new Histogram({ name: 'keel_signal_to_order_seconds', help: "from a signal's arrival to its entry's POST", buckets: LATENCY_BUCKETS, ...on });
  const requests = new Counter({ name: 'keel_broker_requests_total', help: 'broker REST attempts, by route template and status', labelNames: ['route', 'status'], ...on });
  const requestSeconds = new Histogram({ name: 'keel_broker_request_seconds', help: 'broker REST attempt duration, by route template', labelNames: ['route'], buckets: LATENCY_BUCKETS, ...on });
  const connected = new Gauge({ name: 'keel_stream_connected', help: '1 while the stream is connected', labelNames: ['stream'], ...on });
  const reconnects = new Counter({ name: 'keel_stream_reconnects_total', help: 'stream connections after the first', labelNames: ['stream'], ...on });
  let lastMarketData: number | null = null;
  new Gauge({
    name: 'keel_market_data_age_seconds', help: 'seconds since the last market data arrived (NaN before any)', ...on,
    collect() { this.set(lastMarketData === null ? Number.NaN : Math.max(0, opts.clock.now() - lastMarketData) / 1000); },
  });
  const pending = new Gauge({ name: 'keel_pending_approvals', help: 'signals waiting for an approval', ...on });
  const breaker = new Gauge({ name: 'keel_breaker_level', help: 'circuit breaker level today: 0 none, 1 warn, 2 pause, 3 halt', ...on });
  const killSwitch = new Gauge({ name: 'keel_kill_switch_engaged', help: '1 from an emergency stop until the bot is started again', ...on });

  for (const stream of STREAMS) { connected.set({ stream }, 0); reconnects.inc({ stream }, 0); }
  for (const side of ['buy', 'sell']) orders.inc({ side }, 0);
  const oneOf = (gauge: Gauge, label: string, all: readonly string[], current: string) => {
    for (const value of all) gauge.set({ [label]: value }, value === current ? 1 : 0);
  };
  const finite = (gauge: Gauge, value: number) => { if (Number.isFinite(value)) gauge.set(value); };
  const seconds = (h: Histogram, value: number) => { if (Number.isFinite(value) && value >= 0) h.observe(value); };

  return {
    registry,
    contentType: registry.contentType,
    scrape: () => registry.metrics(),
    botState: (state) => { oneOf(botState, 'state', BOT_STATES, state); if (state !== 'halted') killSwitch.set(0); },
    tradingMode: (m) => oneOf(mode, 'mode', TRADING_MODES, m),
    equity: (usd) => finite(equity, usd),
    drawdown: (ratio) => finite(drawdown, ratio),
    openPositions: (count) => finite(openPositions, count),
    realizedPnlToday: (usd) => finite(realized, usd),
    signal: (outcome) => signals.inc({ outcome }),
    orderSubmitted: (side) => orders.inc({ side }),
    orderRejected: (reason) => rejections.inc({ reason }),
    entryFill: (s) => seconds(entryFill, s),
    signalToOrder: (s) => seconds(signalToOrder, s),
    brokerRequest: (route, status, s) => { requests.inc({ route, status }); if (Number.isFinite(s) && s >= 0) requestSeconds.observe({ route }, s); },
    streamConnected: (stream, up) => connected.set({ stream }, up ? 1 : 0),
    streamReconnect: (stream) => reconnects.inc({ stream }),
    marketData: (at) => { lastMarketData = Math.max(lastMarketData ?? at, at); },
    pendingApprovals: (count) => finite(pending, count),
    breakerLevel: (level: BreakerLevel) => breaker.set(BREAKER_LEVELS.indexOf(level)),
    killSwitch: (engaged) => killSwitch.set(engaged ? 1 : 0),
  };
}
