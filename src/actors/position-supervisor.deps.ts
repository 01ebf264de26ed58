/** What createPositionSupervisor is built from: the database, the clock, the current mode's adapters, tuning. */
import type { SchedulerLike } from 'rxjs';
import type { BrokerPort } from '../ports/broker.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { InspectionObserver } from '../ports/inspection.port.js';
import type { MarketDataPort, MarketDataStreamPort } from '../ports/market-data.port.js';
import type { TradeStreamPort } from '../ports/trade-stream.port.js';
import type { TradeStore } from '../ports/trade-store.port.js';

export interface PositionAdapters {
  broker: BrokerPort;
  tradeStream: TradeStreamPort;
  marketData: MarketDataPort;
  marketDataStream: MarketDataStreamPort;
}

export interface PositionTuning {
  /** snapshot poll period for symbols whose stream is silent (default 5 s) */
  pollEveryMs?: number;
  peakFlushMs?: number;
  exitRetryMs?: number;
  resolveBaseMs?: number;
  resolveMaxMs?: number;
  /** the wall-clock node-cron job (default true) */
  cron?: boolean;
}

export interface PositionSupervisorDeps {
  /** trades, their journal and the exit rules' config */
  store: TradeStore;
  clock: Clock;
  /** the current mode's adapters, read at start() */
  adapters: () => PositionAdapters | null;
  scheduler?: SchedulerLike;
  warn?: (message: string, error?: unknown) => void;
  tuning?: PositionTuning;
  /** watches every position actor (the inspector); absent: not observed */
  inspect?: InspectionObserver;
}
