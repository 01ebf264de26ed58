/**
 * The queue + retry machinery every notifier shares (webhook, Telegram): a notifier supplies only
 * `send` (one attempt, classified) and `scrub` (removes its secret from any text).
 * Invariants:
 *  - notify() returns at once and never throws; nothing is awaited on the caller's path;
 *  - delivery is sequential, so a receiver sees notifications in the order they were raised;
 *  - at most `queueLimit` notifications wait (the one being delivered does not count); when full,
 *    the OLDEST waiting one is dropped and counted in `dropped`;
 *  - a notification is tried at most `maxAttempts` times; retryable failures wait the receiver's
 *    Retry-After when it gave one (capped), else exponential backoff with jitter, on the injected
 *    clock; a terminal failure is given up at once; either way it ends in `sent` or `failed`;
 *  - every operator-facing message goes through `scrub` and names the target by `label` only.
 */
import type { Notification } from '../../domain/notification.js';
import type { Clock, Random } from '../../ports/clock.port.js';
import type { NotifierPort, NotifierStats } from '../../ports/notifier.port.js';
import { fullJitterDelay, type BackoffPolicy } from '../alpaca/backoff.js';
import { errorText } from '../../lib/error-text.js';

/** the outcome of one delivery attempt, classified by the notifier */
export type Attempt =
  | { outcome: 'sent' }
  | { outcome: 'retry'; reason: string; retryAfterMs: number | null }
  | { outcome: 'give_up'; reason: string };

export type Warn = (message: string, error?: unknown) => void;

export interface DeliveryDeps {
  /** backoff and Retry-After waits */
  clock: Clock;
  random: Random;
  /** operator-facing failures (give-ups, drops); messages are already scrubbed */
  warn: Warn;
}

export interface DeliveryTuning {
  /** attempts per notification, first one included; default 5 */
  maxAttempts?: number;
  /** notifications waiting behind the one in flight; default 1000 */
  queueLimit?: number;
  backoff?: BackoffPolicy;
}

export interface DeliveryTarget {
  /** safe name for messages, e.g. "webhook https://hooks.example.com" */
  label: string;
  send: (notification: Notification) => Promise<Attempt>;
  /** removes the target's secret (token, URL path) from a text */
  scrub: (text: string) => string;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_QUEUE_LIMIT = 1000;
/** never 0 ms (floor 0.5): a receiver that just failed gets at least half the ceiling */
export const NOTIFY_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000, floor: 0.5 };
/** a longer Retry-After is cut to this, so one flood wait cannot park the queue for hours */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

export class DeliveryQueue implements NotifierPort {
  private readonly waiting: Notification[] = [];
  private inFlight = false;
  private running = false;
  private dropping = false;
  private idle: Array<() => void> = [];
  private readonly counts = { sent: 0, failed: 0, dropped: 0 };
  private readonly maxAttempts: number;
  private readonly queueLimit: number;

  constructor(private readonly target: DeliveryTarget, private readonly deps: DeliveryDeps, private readonly tuning: DeliveryTuning = {}) {
    this.maxAttempts = Math.max(1, tuning.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    this.queueLimit = Math.max(1, tuning.queueLimit ?? DEFAULT_QUEUE_LIMIT);
  }

  notify(notification: Notification): void {
    try {
      if (this.waiting.length >= this.queueLimit) this.dropOldest();
      this.waiting.push(notification);
      if (!this.running) void this.run();
    } catch {
      // the port promises never to throw into trading code
    }
  }

  drain(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  stats(): NotifierStats {
    return { ...this.counts, queued: this.waiting.length + (this.inFlight ? 1 : 0) };
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      for (let next = this.waiting.shift(); next !== undefined; next = this.waiting.shift()) {
        this.inFlight = true;
        await this.deliver(next);
        this.inFlight = false;
      }
    } finally {
      this.inFlight = false;
      this.running = false;
      const waiters = this.idle;
      this.idle = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async deliver(notification: Notification): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(notification);
      if (result.outcome === 'sent') {
        this.counts.sent++;
        this.dropping = false;
        return;
      }
      if (result.outcome === 'give_up' || attempt >= this.maxAttempts) {
        this.counts.failed++;
        const tries = attempt === 1 ? '1 attempt' : `${attempt} attempts`;
        this.warn(`${this.target.label}: gave up on ${notification.kind} notification ${notification.key} after ${tries}: ${result.reason}`);
        return;
      }
      const delay = result.retryAfterMs !== null
        ? Math.min(Math.max(0, result.retryAfterMs), MAX_RETRY_AFTER_MS)
        : fullJitterDelay(attempt - 1, this.tuning.backoff ?? NOTIFY_BACKOFF, this.deps.random);
      await this.deps.clock.sleep(delay).catch(() => undefined);
    }
  }

  /** a send that throws (a bug, not a classified failure) is retried like a network error */
  private async attempt(notification: Notification): Promise<Attempt> {
    try {
      return await this.target.send(notification);
    } catch (error) {
      return { outcome: 'retry', reason: errorText(error), retryAfterMs: null };
    }
  }

  private dropOldest(): void {
    this.waiting.shift();
    this.counts.dropped++;
    // once per outage, not once per notification: a dead receiver would otherwise flood the log
    if (!this.dropping) {
      this.dropping = true;
      this.warn(`${this.target.label}: queue full (${this.queueLimit}); dropping the oldest notifications until a delivery succeeds`);
    }
  }

  private warn(message: string): void {
    try {
      this.deps.warn(this.target.scrub(message));
    } catch {
      // a broken logger must not stop delivery
    }
  }
}
