/**
 * CONTRACT: where notifications go (webhook, Telegram, several at once, nowhere).
 * Invariants: notify() returns at once and never throws (trading never waits on a notification);
 * delivery failures are retried with backoff inside the adapter and counted, never raised.
 */
import type { Notification } from '../domain/notification.js';

export interface NotifierStats {
  sent: number;
  failed: number;
  dropped: number;
  queued: number;
}

export interface NotifierPort {
  notify(notification: Notification): void;
  /** resolves when everything queued so far was delivered or given up on (shutdown, tests) */
  drain(): Promise<void>;
  stats(): NotifierStats;
}
