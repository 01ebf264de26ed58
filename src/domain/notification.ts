/**
 * What Keel tells the trader outside the API: one value per event worth a phone
 * buzz. Invariants: `text` is one or two lines a trader reads on a lock screen; `data` is
 * JSON-safe (decimals as strings) and never carries a secret; `key` lets a receiver dedupe
 * (the same event sent twice after a retry has the same key).
 */
export const NOTIFICATION_KINDS = [
  'entry_filled',
  'exit_filled',
  'order_rejected',
  'breaker_level',
  'daily_loss_limit',
  'win_rate',
  'halt',
  'kill_switch',
  'reconciliation_corrections',
  'stream_down',
  'watchdog',
  'exit_stuck',
  'health_mismatch',
  'instance_lock',
  // a semi-auto signal waits for the trader's approval; its wait ended unanswered
  'approval_pending',
  'approval_expired',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export type NotificationSeverity = 'info' | 'warning' | 'critical';

export interface Notification {
  kind: NotificationKind;
  severity: NotificationSeverity;
  /** short headline, e.g. "Exit ABCD: hard_stop, -$3.50" */
  title: string;
  /** one or two lines of detail */
  text: string;
  /** epoch ms (injected clock) */
  at: number;
  /** stable id for receivers to dedupe */
  key: string;
  data: Record<string, unknown>;
}
