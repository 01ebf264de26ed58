/**
 * CONTRACT: the trading pipeline as the HTTP layer sees it (signals in, trades out, kill switch).
 * Like BotControl: answers are values; refusals carry a code and change nothing.
 */
import type { CheckVerdict } from '../domain/denial.js';
import type { JournalEntry } from '../domain/journal.js';
import type { SignalAnswer, SignalInput, SignalRecord, SignalStatus } from '../domain/signal.js';
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

export interface EmergencyStopReport {
  /** open orders Keel asked the broker to cancel, with the broker's per-order answer */
  cancelledOrders: Array<{ orderId: string; status: number; error: string | null }>;
  /** trades whose exit (kill_switch) was sent */
  closing: string[];
  failed: Array<{ tradeId: string; error: string }>;
  /** the state the bot was left in */
  state: string;
}

export interface PipelineControl {
  /** answers at once (202); execution never blocks ingestion */
  ingestSignal(input: SignalInput): Promise<SignalAnswer>;
  listSignals(query: SignalQuery): Promise<Page<SignalRecord>>;
  getSignal(id: string): Promise<SignalRecord | null>;
  /** semi_auto: re-runs the checks on a fresh price, then fires */
  approveSignal(id: string, cause: string): Promise<ControlResult<SignalAnswer>>;
  rejectSignal(id: string, note: string | null, cause: string): Promise<ControlResult<SignalAnswer>>;
  listTrades(query: TradeQuery): Promise<Page<Trade>>;
  getTrade(id: string): Promise<TradeDetail | null>;
  emergencyStop(opts: { closePositions: boolean }, cause: string): Promise<EmergencyStopReport>;
}
