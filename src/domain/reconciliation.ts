/**
 * Startup reconciliation's typed diff: Keel's journal (bot_trade rows) against the broker's truth.
 * Invariants (docs/design.md, "Unknown is never flat"): compare the UNION of journal and broker symbols; never invent a
 * fill — a trade closes only on a sell fill the broker reports; otherwise it is marked missed
 * with a note; broker quantities win over Keel's; every finding is journaled.
 */
import type { Decimal } from './money.js';
import type { EpochMs } from './time.js';
import type { ExitReason } from './trade.js';

export type ReconcileFinding =
  /** journal open, broker flat, and the broker has a sell fill for it: close with that fill; the
   *  exit reason is the rule the trade's OWN sell was sent for (its id names it), else
   *  reconciled_closed_at_broker (a sell Keel did not send for it, or an id from before ids named it) */
  | { kind: 'closed_at_broker'; tradeId: string; symbol: string; exitOrderId: string; exitPrice: Decimal; shares: Decimal; pnl: Decimal; pnlPct: Decimal; exitAt: EpochMs; exitReason: ExitReason }
  /** journal open, broker flat, no sell fill found: status missed, with a note */
  | { kind: 'missing_at_broker'; tradeId: string; symbol: string; note: string }
  /** broker position with no journal row: imported as an open trade (catalyst unknown), warned */
  | { kind: 'imported_broker_position'; symbol: string; shares: Decimal; avgEntryPrice: Decimal }
  /** both have it, quantities differ: the broker's wins */
  | { kind: 'quantity_mismatch'; tradeId: string; symbol: string; journalShares: Decimal | null; brokerShares: Decimal }
  /** pending entry whose order filled (fully, or partly then ended) */
  | { kind: 'pending_entry_filled'; tradeId: string; symbol: string; orderId: string; shares: Decimal; entryPrice: Decimal; entryAt: EpochMs }
  /** pending entry whose order is still working at the broker: stays pending, order id attached */
  | { kind: 'pending_entry_working'; tradeId: string; symbol: string; orderId: string; status: string }
  /** pending entry whose order ended with nothing filled (canceled, expired, rejected) */
  | { kind: 'pending_entry_cancelled'; tradeId: string; symbol: string; orderId: string; status: string }
  /** pending entry whose client order id the broker does not know: it never landed */
  | { kind: 'pending_entry_not_found'; tradeId: string; symbol: string; clientOrderId: string | null }
  /** an open broker order no journal row accounts for: reported, never touched */
  | { kind: 'unowned_open_order'; orderId: string; clientOrderId: string; symbol: string; side: string };

export type ReconcileFindingKind = ReconcileFinding['kind'];

export interface ReconciliationReport {
  startedAt: EpochMs;
  finishedAt: EpochMs;
  ok: boolean;
  /** why it failed (broker unreachable, ...) when ok is false */
  error: string | null;
  findings: ReconcileFinding[];
  journalLiveTrades: number;
  brokerPositions: number;
  brokerOpenOrders: number;
}
