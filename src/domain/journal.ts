/**
 * The append-only event journal: what happened, when (from the Clock), and why.
 * Rows are never updated or deleted; the database enforces it (see db/migrations).
 */
import type { EpochMs } from './time.js';

export const JOURNAL_KINDS = [
  'state_transition', 'transition_refused', 'config_changed', 'mode_changed',
  'reconciliation_started', 'reconciliation_correction', 'reconciliation_completed', 'reconciliation_failed',
  'order_submitted', 'order_outcome', 'trade_update', 'signal', 'startup', 'shutdown', 'warning',
] as const;
export type JournalKind = (typeof JOURNAL_KINDS)[number];

export interface JournalInput {
  kind: JournalKind;
  /** who or what caused it: 'api', 'startup', 'reconciliation', 'broker', 'scheduler', ... */
  cause: string;
  /** optional subject, e.g. a trade id, a symbol or an order id */
  subject?: string | null;
  message: string;
  /** structured detail (JSON) */
  data?: Record<string, unknown>;
}

export interface JournalEntry extends Required<Omit<JournalInput, 'data' | 'subject'>> {
  id: number;
  at: EpochMs;
  subject: string | null;
  data: Record<string, unknown>;
}
