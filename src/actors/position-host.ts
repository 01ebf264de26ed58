/**
 * What the position machine's provided effects (position-runtime.ts, exit-steps.ts) read of, and do
 * through, one trade's actor: its row, its fills, its queue, its services. The machine's context
 * holds the lifecycle's data; this holds what cannot be data (the row as Decimal, the broker, the
 * queue that keeps the trade's writes in order).
 */
import type { PositionView } from '../core/exits/exit.types.js';
import type { JournalInput } from '../domain/journal.js';
import type { Decimal } from '../domain/money.js';
import type { Order } from '../domain/order.js';
import type { Trade } from '../domain/trade.js';
import type { PositionMachineEvent } from '../machines/position.machine.js';
import type { EpochMs } from '../domain/time.js';
import type { SerialQueue } from '../lib/serial-queue.js';
import type { BrokerPort } from '../ports/broker.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { TradeStore } from '../ports/trade-store.port.js';
import type { ResolveOptions } from './entry-resolver.js';
import type { ExitFills } from './exit-executor.js';
import type { StopTracking } from './stop-tracking.js';
import type { BrokerStopMode } from '../domain/bot-config.js';
import type { PositionEvent } from './position-supervisor.types.js';

/** the services of one supervisor run, shared by its actors */
export interface PositionActorDeps {
  store: TradeStore;
  broker: BrokerPort;
  clock: Clock;
  emit(event: PositionEvent): void;
  /** route order updates carrying this order id or client order id to this trade */
  route(tradeId: string, key: string): void;
  /** start / stop evaluating the exit rules of this position on its symbol's prices */
  arm(view: PositionView): void;
  disarm(view: PositionView): void;
  /** the position's own settings changed (view.overrides): re-armed with them if it is armed now */
  rearm?(view: PositionView): void;
  /** what the trade's protective stop follows: the mode, and the hard stop the position is armed with now (null: unknown) */
  stopPolicy(tradeId: string): { mode: BrokerStopMode; level: number | null };
  /** the trade reached closed or cancelled */
  finished(host: PositionHost): void;
  failed(tradeId: string, step: string, error: unknown): void;
  resolve: ResolveOptions;
}

export interface PositionHost {
  /** the row as last written: each step stores the row its write returned here */
  trade: Trade;
  readonly view: PositionView;
  readonly deps: PositionActorDeps;
  /** the trade's writes and broker steps, one at a time in order */
  readonly queue: SerialQueue;
  readonly exitFills: ExitFills;
  /** its protective stops at the broker */
  readonly stops: StopTracking;
  /** a sell found at the broker on restore (sent before a crash): the next exit adopts it */
  adopted: Order | null;
  persistedPeak: number;
  /** the shares the trade holds: the row's, or what its entry filled before the row said so */
  heldShares(): Decimal;
  /** held and not yet sold (what a protective stop covers) */
  unsoldShares(): Decimal;
  /** the entry order while it may still fill (cancelled before any sell), else null */
  workingEntryId(): string | null;
  /** what an update of one of the trade's orders means to its machine (null: nothing new) */
  classify(order: Order, at: EpochMs): PositionMachineEvent | null;
  /** an order of the trade changed: delivered to the actor like any order update */
  deliver(order: Order, at: EpochMs): void;
  /** appended on the trade's queue, behind the step that is running */
  journal(entry: JournalInput): void;
  /** queued work whose failure is warned (the action effects) */
  enqueue(step: string, work: () => Promise<unknown>): void;
  recordEntry(): void;
  recordCancelled(reason: string): void;
  cancelEntry(): void;
  recordClosed(reason: Trade['exitReason']): void;
}
