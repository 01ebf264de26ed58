/** What the pipeline needs from the rest of Keel, all injected (tests pass the same real pieces). */
import type { PositionSupervisor } from '../../actors/position-supervisor.types.js';
import type { Db } from '../../adapters/postgres/index.js';
import type { BrokerPort } from '../../ports/broker.port.js';
import type { Clock } from '../../ports/clock.port.js';
import type { Account } from '../../domain/account.js';
import type { EntryGate } from '../lifecycle/bot-control.js';
import type { MarketDataPort } from '../../ports/market-data.port.js';
import type { KeelBotControl } from '../lifecycle/bot-control.js';
import type { MetricsPort } from '../../ports/metrics.port.js';

export interface PipelineDeps {
  db: Db;
  clock: Clock;
  /** bot state, reconciled, market open, settings; halt() latches the kill switch */
  control: Pick<KeelBotControl, 'status' | 'getConfig' | 'act' | 'halt'>;
  /** bot state, reconciled and market open from memory (KeelBotControl.entryGate); default: control.status() */
  entryGate?: () => Promise<EntryGate>;
  /** the same without a broker read (KeelBotControl.entryGateNow; null = the market clock must be read
   *  first). Absent: intake treats entryGate as answering from memory */
  entryGateNow?: () => EntryGate | null;
  /** the current mode's adapters; null when that mode has none */
  broker: () => BrokerPort | null;
  marketData: () => MarketDataPort | null;
  supervisor: PositionSupervisor;
  /** the freshest price Keel already holds for a symbol (the position supervisor's price feed); null = none */
  lastPrice?: (symbol: string) => number | null;
  /** account snapshot: background refresh period while the supervisor runs (default 5 s) and the
   *  age beyond which it counts as unknown (default 60 s) */
  accountRefreshMs?: number;
  accountMaxAgeMs?: number;
  /** ids for signals posted without one (default: crypto.randomUUID) */
  newId?: () => string;
  /** every account snapshot read (the circuit breakers observe equity here) */
  onAccount?: (account: Account, at: number) => void;
  /** the time from a signal's arrival to its entry's POST is observed here (default: none) */
  metrics?: Pick<MetricsPort, 'signalToOrder'>;
  /** operator-facing problems of background work (the POST after the answer, the expiry sweep) */
  warn?: (message: string, error?: unknown) => void;
  /** a signal received but not decided within this long (its decision waited for the broker, or
   *  Keel restarted meanwhile) is expired with SIGNAL_TOO_OLD instead of traded late (default 60 s) */
  decisionWindowMs?: number;
  /** how often pending signals are checked for expiry (default 1 s of the injected clock) */
  expirySweepMs?: number;
  /** how long an emergency stop waits for kill-switch exits to close before stopping the bot */
  emergencyCloseWaitMs?: number;
}
