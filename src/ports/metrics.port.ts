/**
 * CONTRACT: what Keel reports to its metrics, called where each event happens (a submission, a
 * broker response, a stream connecting), never by reading the database back.
 * Invariants: every method returns at once and never throws (trading never waits on a metric);
 * labels are closed sets or route templates, never a symbol, a signal id or an order id, so the
 * number of series stays bounded whatever is traded.
 */
import type { BotState, BreakerLevel, TradingModeName } from '../domain/bot-config.js';
import type { EpochMs } from '../domain/time.js';

export type MetricsStream = 'trade_updates' | 'market_data';
export type OrderSide = 'buy' | 'sell';

export interface MetricsPort {
  botState(state: BotState): void;
  tradingMode(mode: TradingModeName): void;
  /** from an account snapshot, in USD */
  equity(usd: number): void;
  /** the day's drawdown from the session start equity as a ratio (0.05 = 5 %) */
  drawdown(ratio: number): void;
  openPositions(count: number): void;
  realizedPnlToday(usd: number): void;
  /** each decision on a signal (a pending signal counts again when it is approved, rejected or expires) */
  signal(outcome: string): void;
  orderSubmitted(side: OrderSide): void;
  /** the broker refused an order; `reason` is a closed category, never the broker's free text */
  orderRejected(reason: string): void;
  /** from the entry's submission to its first fill */
  entryFill(seconds: number): void;
  /** from a signal's arrival to its entry's POST */
  signalToOrder(seconds: number): void;
  /** one REST attempt: `route` is a template (/v2/orders/{id}); `status` the HTTP status or the transport failure's category */
  brokerRequest(route: string, status: string, seconds: number): void;
  streamConnected(stream: MetricsStream, connected: boolean): void;
  streamReconnect(stream: MetricsStream): void;
  /** market data arrived at `at` (its age is measured when scraped) */
  marketData(at: EpochMs): void;
  pendingApprovals(count: number): void;
  breakerLevel(level: BreakerLevel): void;
  killSwitch(engaged: boolean): void;
}

const nothing = (): void => undefined;

/** the default wherever no metrics are wanted (tests, the CLI) */
export const noMetrics: MetricsPort = {
  botState: nothing, tradingMode: nothing, equity: nothing, drawdown: nothing, openPositions: nothing,
  realizedPnlToday: nothing, signal: nothing, orderSubmitted: nothing, orderRejected: nothing, entryFill: nothing,
  signalToOrder: nothing, brokerRequest: nothing, streamConnected: nothing, streamReconnect: nothing,
  marketData: nothing, pendingApprovals: nothing, breakerLevel: nothing, killSwitch: nothing,
};
