/**
 * The exit sell's client_order_id carries the rule that fired: `<entry id>-x<attempt>-<rule>`,
 * e.g. `k-…-e-x1-hard-stop`. Why in the id: the sell goes out BEFORE Keel writes 'exiting' (no
 * database work on the tick → POST path), so a crash between the POST and that write would lose
 * the rule; the broker keeps the id with the order, and reconciliation and the restore read the
 * broker's orders anyway. The stem `<entry id>-x<attempt>` is persisted when the position opens
 * (before the rule is known); once the exit is recorded the row holds the full id.
 * Invariants: one attempt → one stem; the same attempt is never sent with two rules (a re-send
 * reuses the recorded id); ids written before the rule was added (a bare stem) still parse.
 * Pure: no I/O.
 */
import { EXIT_REASONS, type ExitReason } from '../../domain/trade.js';

/** the rules a sell can be sent for (reconciliation's own reasons never send one) */
const SENT_FOR: readonly ExitReason[] = EXIT_REASONS.filter((r) => !r.startsWith('reconciled_'));

const toWire = (reason: ExitReason): string => reason.replaceAll('_', '-');

export function exitOrderStem(base: string, attempt: number): string {
  return `${base}-x${attempt}`;
}

export function exitOrderId(stem: string, reason: ExitReason): string {
  return `${stem}-${toWire(reason)}`;
}

export interface ParsedExitOrderId {
  stem: string;
  attempt: number;
  /** null for a bare stem (nothing sent yet, or sent before ids carried the rule) */
  reason: ExitReason | null;
}

/** null when the id is not an exit id of Keel's */
export function parseExitOrderId(clientOrderId: string): ParsedExitOrderId | null {
  const m = /^(.+-x(\d+))(?:-([a-z-]+))?$/.exec(clientOrderId);
  if (!m) return null;
  const reason = m[3] === undefined ? null : SENT_FOR.find((r) => toWire(r) === m[3]);
  if (reason === undefined) return null;
  return { stem: m[1]!, attempt: Number(m[2]), reason };
}

/** the stem of an exit id (the id itself when it is no exit id) */
export function exitStemOf(clientOrderId: string): string {
  return parseExitOrderId(clientOrderId)?.stem ?? clientOrderId;
}
