/**
 * CONTRACT: the position supervisor keeps one position actor per live trade (pending_entry, open,
 * exiting). Actors are NOT children of one parent actor (spawning thousands under one parent grows
 * quadratically — docs/benchmarks.md §3); the supervisor holds them in a Map.
 * The bot machine drives it through the service wiring: running/paused/halted → start();
 * stopped → stop() (positions stay at the broker; status says how many are unattended).
 * A config change reaches it through applySettings(): the exit rules of every armed position
 * change at once (a tightened stop applies NOW, not after a restart).
 */
import type { Observable } from 'rxjs';
import type { ArmedLevels } from '../core/exits/armed-levels.js';
import type { StuckExit } from '../core/safety/stuck-exits.js';
import type { Decimal } from '../domain/money.js';
import type { ReconcileFinding } from '../domain/reconciliation.js';
import type { StreamGate } from '../streams/operators/trade-stream-gate.js';
import type { ExitReason, Trade } from '../domain/trade.js';
import type { SubmitOutcome } from '../ports/broker.port.js';
import type { ExitRuleSettings } from '../ports/trade-store.port.js';

export type PositionEvent =
  | { type: 'tracked'; tradeId: string; symbol: string; status: Trade['status'] }
  | { type: 'opened'; tradeId: string; symbol: string; shares: string; entryPrice: string }
  | { type: 'cancelled'; tradeId: string; symbol: string; reason: string }
  | { type: 'exit_decided'; tradeId: string; symbol: string; reason: ExitReason; price: number; detail: string }
  | { type: 'exit_submitted'; tradeId: string; clientOrderId: string }
  /** the position has no protective stop at the broker now (refused, cancelled outside Keel): Keel's monitor protects it, the stop is tried again */
  | { type: 'stop_missing'; tradeId: string; symbol: string; why: string }
  /** a protective stop was accepted by the broker */
  | { type: 'stop_placed'; tradeId: string; clientOrderId: string; stopPrice: string; qty: string }
  | { type: 'exit_failed'; tradeId: string; error: string }
  /** the exit stopped trying (attempts exhausted, or a refused quantity the broker still reports):
   *  the trade stays exiting, listed in stuckExits, until someone acts */
  | { type: 'exit_gave_up'; tradeId: string; symbol: string; reason: string }
  /** a retried exit found no shares at the broker: reconciliation must settle the trade */
  | { type: 'exit_flat_at_broker'; tradeId: string; symbol: string }
  | { type: 'closed'; tradeId: string; symbol: string; reason: ExitReason; exitPrice: string; pnl: string }
  | { type: 'untracked'; tradeId: string }
  /** new exit settings reached the armed positions; `exits` of them decided to exit at once */
  | { type: 'settings_applied'; settings: ExitRuleSettings; armed: number; exits: number }
  /** today's forced session close (epoch ms; null = no session today) is armed in every book */
  | { type: 'session_close_scheduled'; forceCloseAt: number | null };

/** a tracked trade as GET /api/trades/active shows it: what its actor and its symbol's book hold now */
export interface ArmedPosition {
  tradeId: string;
  /** the actor's state: pending_entry | open | exiting */
  state: string;
  /** the exit levels it is armed with; null unless open and armed */
  levels: ArmedLevels | null;
  /** the symbol's last tick the exit rules saw (price, epoch ms); null before one */
  lastTick: { price: number; at: number } | null;
  /** the trade as the actor holds it (entry, shares, side): the live positions feed reads no database */
  trade: Trade;
  /** the protective stop's state while open (null otherwise), and why there is none when there is none */
  stop: { state: BrokerStopState; why: string | null } | null;
}

/** the protective stop region of an open position: placing/replacing, live, none to place, a refusal waiting its retry */
export type BrokerStopState = 'syncing' | 'protected' | 'unprotected' | 'retryWait';

/** the bot settings the exit rules read (the session-close time included) */
export type { ExitRuleSettings };

export interface ExitAllReport {
  /** trades whose exit order was sent (or already exiting) */
  exiting: string[];
  failed: Array<{ tradeId: string; error: string }>;
}

export interface PositionSupervisor {
  /** idempotent: loads live trades from the database, spawns their actors (with persisted peak and
   *  entry time), subscribes their symbols' prices, schedules the session close */
  start(): Promise<void>;
  /** stops every actor and price subscription; trades and broker positions are left as they are */
  stop(): Promise<void>;
  readonly active: boolean;
  /** an entry order was just submitted (trade row already persisted as pending_entry) */
  entrySubmitted(trade: Trade, outcome: SubmitOutcome): void;
  /** exit every open position now (kill switch / manual); pending entries are cancelled at the broker */
  exitAll(reason: ExitReason): Promise<ExitAllReport>;
  /** exit one trade now (an invalidated signal): an open position sells, a pending entry is cancelled
   *  (and sold if it fills); false when no actor holds the trade (stopped, or not live) */
  exitTrade(tradeId: string, reason: ExitReason, detail: string): boolean;
  /** the bot's exit settings changed (PATCH /api/bot/config): every armed position's stop, target,
   *  trail and max hold (still measured from its own entry) follow at once, re-evaluated at the
   *  symbol's last price; positions already exiting are unaffected. While stopped it does nothing
   *  (start() reads the persisted config). */
  applySettings(settings: ExitRuleSettings): void;
  /** a reconciliation was applied to the database: the actors of the trades it changed follow (a
   *  corrected quantity reaches the actor that would sell it; a trade it closed or marked missed
   *  loses its actor). Does nothing while stopped (start() loads the corrected rows). */
  applyReconciliation(findings: readonly ReconcileFinding[]): void;
  /** live trades with an actor */
  trackedCount(): number;
  /** the stream-gap gate: entries only while the trade stream is live and caught up (GATE_CLOSED while stopped) */
  streamGate(): StreamGate;
  /** an open position's trailing-stop peak as its exit book holds it now (the persisted column is
   *  written on a throttle); null when the trade has no open position actor */
  livePeak(tradeId: string): number | null;
  /** every tracked trade with the levels its position is armed with now ([] while stopped) */
  armedPositions(): ArmedPosition[];
  /** unrealized P&L of the open positions at their symbols' last prices (a position with no tick
   *  since its open counts at its entry fill); null = unknown */
  unrealizedPnl(): Decimal | null;
  readonly events$: Observable<PositionEvent>;
}

/**
 * What the safety watchdog and the health job read and repair, apart from
 * PositionSupervisor so the existing implementations and fakes stay whole.
 * Invariants: the reads are synchronous and cheap (called every few seconds); the repairs are
 * idempotent and do nothing while the supervisor is stopped.
 */
export interface SupervisorProtection {
  /** ids of the trades that have a position actor now */
  trackedTradeIds(): string[];
  /** when the symbol's price feed last confirmed a price (epoch ms of the injected clock);
   *  null when the symbol is not watched or the supervisor is stopped */
  lastPriceAt(symbol: string): number | null;
  /** spawns an actor for each of these trades that is live in the database and has none (as start()
   *  does: orders re-read by REST, an interrupted exit finished); waits for a start in progress;
   *  resolves with the ids it adopted */
  ensureTracked(tradeIds: readonly string[]): Promise<string[]>;
  /** polls these watched symbols' snapshots now (one request); resolves when answered or failed */
  refreshPrices(symbols: readonly string[]): Promise<void>;
  /** re-reads by REST the working orders (entry and exit) of every tracked trade and applies what
   *  changed, as after a stream catch-up: while the trade stream is down, an exit that filled closes
   *  its trade this way. Never rejects (a failed read is warned); resolves when every read ended */
  refreshWorkingOrders(): Promise<void>;
  /** the exits that cannot complete (core/safety/stuck-exits.ts), at the clock's now; [] while stopped */
  stuckExits(): StuckExit[];
  /** the broker's open order ids (the health job's read): each position whose protective stop should
   *  be live and is not among them re-reads it and places a new one when it is gone; resolves at
   *  once with the trade ids told to (nothing while stopped) */
  verifyStops(openOrderIds: ReadonlySet<string>): string[];
  /** trade ids whose protective stop is live at the broker as last seen (the watchdog counts it as protection) */
  brokerProtected(): ReadonlySet<string>;
}
