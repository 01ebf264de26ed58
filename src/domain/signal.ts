/**
 * Signals: what a trader (or an upstream scanner) asks Keel to buy, and what Keel decided.
 * Invariants: a signal id is unique forever (a repeated id gets the same answer and never a second
 * order); every signal is stored with its outcome, the verdict of each check and the size inputs.
 */
import type { CheckVerdict, Denial } from './denial.js';
import type { Decimal } from './money.js';
import type { EpochMs } from './time.js';
import type { ExecutionMode } from './bot-config.js';

export type AiConfidence = 'high' | 'medium' | 'low';

/** POST /api/signals, validated at the edge */
export interface SignalInput {
  /** client-supplied id for idempotency; Keel generates one when absent */
  id: string | null;
  symbol: string;
  side: 'buy';
  catalystType: string;
  catalystTier: 1 | 2 | 3 | 4;
  aiConfidence: AiConfidence | null;
  /** explicit stars win over the rating */
  stars: number | null;
  /** 0–100 */
  confidence: number | null;
  strategy: string | null;
  priceAtSignal: Decimal | null;
  stopLossPrice: Decimal | null;
  takeProfitPrice: Decimal | null;
  floatShares: number | null;
  relativeVolume: number | null;
}

/**
 * received          stored, its decision still waits for a broker read (cold account snapshot,
 *                   market clock or price, a rate limit) or for a decision ahead of it that does;
 *                   GET /api/signals/:id shows the decision once made
 * logged            signal_only: recorded with its verdict, nothing sent
 * fired             an entry order was created (trade row + POST)
 * skipped           a check denied it (denial says which)
 * skipped_duplicate the symbol already has an open or pending trade (no trade row)
 * pending           semi_auto: pre-checked and pre-sized, waiting for approval
 * approved          semi_auto: approved and fired
 * rejected          semi_auto: rejected by the trader, or denied when re-checked at approval
 * expired           semi_auto: not approved within the approval TTL; or received but not decided
 *                   within its decision window (denial SIGNAL_TOO_OLD)
 */
export const SIGNAL_STATUSES = ['received', 'logged', 'fired', 'skipped', 'skipped_duplicate', 'pending', 'approved', 'rejected', 'expired'] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];

export interface SizeDecision {
  notional: Decimal;
  /** what the size came from, for provenance: mode, stars, tier dollars, caps applied */
  inputs: Record<string, string | number | null>;
  /** each reduction of the size by a limit, in the order applied ([] or absent: none) */
  adjustments?: SizeAdjustment[];
}

/** the sizer reduced a size to fit a limit (the seed's "adjusted_params") */
export interface SizeAdjustment {
  field: 'notional';
  from: Decimal;
  to: Decimal;
  /** one line a trader reads, e.g. "capped at maxPerTradeUsd $500" */
  reason: string;
}

export interface SignalRecord {
  id: string;
  receivedAt: EpochMs;
  input: SignalInput;
  executionMode: ExecutionMode;
  /** stars after the rating rule; null = could not be rated */
  stars: number | null;
  status: SignalStatus;
  denial: Denial | null;
  verdicts: CheckVerdict[];
  size: SizeDecision | null;
  tradeId: string | null;
  /** semi_auto: when a pending signal expires */
  expiresAt: EpochMs | null;
  decidedAt: EpochMs | null;
  /** e.g. the rejecting trader's note or the broker's message */
  note: string | null;
}

/** the 202 answer of POST /api/signals */
export interface SignalAnswer {
  signalId: string;
  outcome: SignalStatus;
  reason?: string;
  /** the sizer's reductions of this signal's size (present when there were any) */
  adjustments?: SizeAdjustment[];
  /** non-blocking concerns, one line each (present when there are any) */
  warnings?: string[];
}
