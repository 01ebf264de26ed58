/**
 * CONTRACT: the trading pipeline as the HTTP layer sees it (signals in, trades out, kill switch).
 * Like BotControl: answers are values; refusals carry a code and change nothing.
 */
import type { BotState } from '../domain/bot-config.js';
import type { CheckVerdict, Denial } from '../domain/denial.js';
import type { JournalEntry } from '../domain/journal.js';
import type { Decimal } from '../domain/money.js';
import type { SignalAnswer, SignalInput, SignalRecord, SignalStatus, SizeDecision } from '../domain/signal.js';
import type { ExitReason, Trade, TradeStatus } from '../domain/trade.js';
import type { ControlResult } from './bot-control.types.js';

export interface Page<T> {
  items: T[];
  /** opaque; null on the last page */
  nextCursor: string | null;
}

export interface SignalQuery {
  status?: SignalStatus;
  symbol?: string;
  limit?: number;
  cursor?: string;
}

export interface TradeQuery {
  status?: TradeStatus;
  symbol?: string;
  /** created_at bounds, epoch ms, inclusive */
  from?: number;
  to?: number;
  exitReason?: ExitReason;
  /** exact match on the trade's strategy / catalyst type (as the signal named them) */
  strategy?: string;
  catalystType?: string;
  limit?: number;
  cursor?: string;
}

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
  listTrades(query: TradeQuery): Promise<Page<Trade>>;
  getTrade(id: string): Promise<TradeDetail | null>;
  emergencyStop(opts: { closePositions: boolean }, cause: string): Promise<EmergencyStopReport>;
}
