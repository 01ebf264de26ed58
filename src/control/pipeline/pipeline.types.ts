/**
 * CONTRACT: the trading pipeline as the HTTP layer sees it (signals in, trades out, kill switch).
 * Like BotControl: answers are values; refusals carry a code and change nothing.
 */
import type { BotState, TradingModeName } from '../../domain/bot-config.js';
import type { DailyRow, PerformanceReport } from '../../core/analytics/analytics.types.js';
import type { CheckVerdict, Denial } from '../../domain/denial.js';
import type { JournalEntry } from '../../domain/journal.js';
import type { Decimal } from '../../domain/money.js';
import type { EpochMs } from '../../domain/time.js';
import type { Page, SignalQuery, TradeQuery } from '../../domain/query.js';
import type { SignalAnswer, SignalInput, SignalRecord, SizeDecision } from '../../domain/signal.js';
import type { Trade } from '../../domain/trade.js';
import type { ExitPlan } from '../../domain/exit-plan.js';
import type { Invalidation } from './invalidate.js';
import type { BrokerStopState } from '../../actors/position-supervisor.types.js';
import type { ControlResult } from '../lifecycle/bot-control.types.js';

/** a trade's provenance: where it came from and everything that happened to it */
export interface TradeDetail {
  trade: Trade;
  signal: SignalRecord | null;
  verdicts: CheckVerdict[];
  /** hold time once closed */
  holdSeconds: number | null;
  /** order submissions, outcomes, broker trade updates, the exit rule that fired — oldest first */
  journal: JournalEntry[];
}

/**
 * an open (or exiting) trade with the levels its position is armed with now (GET /api/trades/active);
 * times are RFC 3339 UTC; null = not armed / not known
 */
export interface ActiveTrade {
  id: string;
  symbol: string;
  shares: Decimal | null;
  entryPrice: Decimal | null;
  entryAt: EpochMs | null;
  /** the symbol's last tick the exit rules evaluated, and when */
  lastPrice: Decimal | null;
  lastPriceAt: EpochMs | null;
  /** at lastPrice */
  unrealizedPnl: Decimal | null;
  /** percent of the entry price, 4 decimals */
  unrealizedPnlPct: number | null;
  /** the trailing stop's peak: the book's live one while armed, else the persisted one */
  peakPrice: Decimal | null;
  stopPrice: Decimal | null;
  targetPrice: Decimal | null;
  /** the target is a bracket's take-profit leg resting at the broker: Keel's own monitor does not sell there */
  targetAtBroker: boolean;
  /** null when the trailing stop is off */
  trailingStopPrice: Decimal | null;
  maxHoldUntil: EpochMs | null;
  forceCloseAt: EpochMs | null;
  state: 'open' | 'exiting';
  /** the protective sell stop at the broker */
  brokerStop: ActiveBrokerStop;
  /** where each level comes from: the signal's own price, its catalyst's override, or the settings */
  levelSources: ExitPlan['sources'];
}

export interface ActiveBrokerStop {
  /** the position actor's stop state; null when no actor holds the trade open (exiting: the exit cancelled it) */
  state: BrokerStopState | null;
  clientOrderId: string | null;
  orderId: string | null;
  stopPrice: Decimal | null;
  qty: Decimal | null;
  /** what the stop does not cover (a fractional remainder the broker refused) */
  note: string | null;
  /** why there is no stop now (stops off, entry still working, a refusal waiting its retry) */
  why: string | null;
}

/** what became of the flatten an emergency stop was asked for */
export type FlattenOutcome = 'done' | 'queued_for_open' | 'not_requested' | 'incomplete';

/** a broker position still there when the kill switch finished */
export interface PositionLeft {
  symbol: string;
  /** shares of this owner (a symbol Keel and someone else both hold appears twice) */
  qty: Decimal;
  /** 'external': bought outside Keel; the kill switch reports it and never closes it */
  owner: 'keel' | 'external';
  /** the Keel trade the shares belong to ('keel' only) */
  tradeId?: string;
}

/**
 * The kill switch's answer (also journaled): exactly what was cancelled, closed and left.
 * The bot is halted before anything else happens and stays halted until acknowledged.
 */
export interface EmergencyStopReport {
  /** every open order Keel asked the broker to cancel, with the broker's per-order answer */
  cancelledOrders: Array<{ orderId: string; status: number; error: string | null }>;
  /** order ids the broker confirmed are no longer open (cancelled, or filled before the cancel landed) */
  cancelled: string[];
  /** order ids still open at the broker when the wait for acknowledgements ended */
  stillOpen: string[];
  /** trades closed (kill_switch) by this stop */
  closed: string[];
  /** trades whose exit was sent but had not closed by the deadline */
  closing: string[];
  /** trades whose exit could not be sent */
  failed: Array<{ tradeId: string; error: string }>;
  flatten: FlattenOutcome;
  /** broker positions at the end: Keel's (not flat yet) and external ones (never touched) */
  left: PositionLeft[];
  /** 'halted' unless the halt itself failed (then `problems` says why) */
  state: BotState;
  /** what went wrong on the way (broker unreachable, halt not persisted, ...); empty when nothing did */
  problems: string[];
}

/** the what-if: what Keel would decide for a signal now, without storing or sending anything */
export interface SignalEvaluation {
  symbol: string;
  executionMode: string;
  stars: number | null;
  /** 'would_fire' only when every check passes and the mode executes (full_auto; semi_auto → 'would_wait_for_approval') */
  outcome: 'would_fire' | 'would_wait_for_approval' | 'would_log_only' | 'would_skip' | 'would_skip_duplicate';
  denial: Denial | null;
  /** every check's verdict, in gateway order (rating and sizing first) */
  verdicts: CheckVerdict[];
  size: SizeDecision | null;
  /** non-blocking concerns, one line each: the size's reductions, no protective stop at the broker */
  warnings: string[];
}

/** the analytics' window: New York dates, inclusive; absent ones take the defaults (the 30 ET
 *  days ending today); mode absent = the bot's current mode */
export interface PerformanceWindow {
  from?: string;
  to?: string;
  mode?: TradingModeName;
}

export interface PerformanceRequest extends PerformanceWindow {
  strategy?: string;
  catalystType?: string;
  symbol?: string;
}

/** GET /api/performance: the window as resolved, then the figures */
export interface PerformanceAnswer extends PerformanceReport {
  from: string;
  to: string;
  mode: TradingModeName;
}

export interface DailyPerformanceAnswer {
  from: string;
  to: string;
  mode: TradingModeName;
  days: DailyRow[];
}

/** today's row (zeros when nothing happened yet) and, for the current mode, what Keel holds in
 *  memory now: unrealized P&L at the last prices, open positions, the cached account equity.
 *  Those are null for the other mode, while the supervisor is stopped, or without a fresh snapshot */
export interface TodayPerformance extends DailyRow {
  mode: TradingModeName;
  unrealizedPnl: Decimal | null;
  openPositions: number | null;
  equity: Decimal | null;
}

export interface PipelineControl {
  /** answers at once (202); execution never blocks ingestion */
  ingestSignal(input: SignalInput): Promise<SignalAnswer>;
  /** the same checks and size as intake, nothing stored or sent */
  evaluateSignal(input: SignalInput): Promise<SignalEvaluation>;
  listSignals(query: SignalQuery): Promise<Page<SignalRecord>>;
  getSignal(id: string): Promise<SignalRecord | null>;
  /** semi_auto: re-runs the checks on a fresh price, then fires */
  approveSignal(id: string, cause: string): Promise<ControlResult<SignalAnswer>>;
  rejectSignal(id: string, note: string | null, cause: string): Promise<ControlResult<SignalAnswer>>;
  /** the signal no longer holds: a pending approval is rejected, a working entry cancelled, an open trade sold ('signal_invalidated') */
  invalidateSignal(id: string, reason: string, cause: string): Promise<ControlResult<Invalidation>>;
  listTrades(query: TradeQuery): Promise<Page<Trade>>;
  getTrade(id: string): Promise<TradeDetail | null>;
  /** open and exiting trades with what their positions are armed with now */
  activeTrades(): Promise<ActiveTrade[]>;
  emergencyStop(opts: { closePositions: boolean }, cause: string): Promise<EmergencyStopReport>;
  /** statistics of one mode's closed trades and equity (never mixed across modes) */
  performance(request: PerformanceRequest): Promise<PerformanceAnswer>;
  performanceDaily(window: PerformanceWindow): Promise<DailyPerformanceAnswer>;
  /** from memory and the database only: never a broker call */
  performanceToday(window: Pick<PerformanceWindow, 'mode'>): Promise<TodayPerformance>;
}
