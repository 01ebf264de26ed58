/**
 * The pipeline's shared runtime: one decision queue, the background work in flight, the emergency
 * flag and the event stream tests and the dashboard await.
 * Invariants: every decision that can create a trade (ingestion, approval, expiry) runs through the
 * ONE queue, so two signals for a symbol can never both see it free; background submissions are
 * tracked until they settle, so shutdown (and tests) can wait for them; the emergency flag is read
 * first by every entry path and again, synchronously, where an entry is committed (commitEntry);
 * an entry's notional is reserved in the account cache from its commit until a snapshot read after
 * its POST settled (account-cache.ts).
 * Answers never wait for the broker: while a queued decision waits for a broker read (brokerWait),
 * every signal queued behind it (and every one that arrives) is stored as received and answered;
 * its decision follows in order. The kill switch waits only for committed entries (entriesSettled),
 * never for a decision still waiting for the broker: that one re-reads the gate afterwards.
 */
import { Subject, type Observable } from 'rxjs';
import type { SubmitOutcome } from '../../ports/broker.port.js';
import type { SignalAnswer, SignalStatus } from '../../domain/signal.js';
import type { ExecutionMode } from '../../domain/bot-config.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { submitEntry } from './entry-executor.js';
import type { Trade } from '../../domain/trade.js';
import { AccountCache } from './account-cache.js';
import { SerialQueue } from '../../lib/serial-queue.js';

export type PipelineEvent =
  | { type: 'signal'; signalId: string; outcome: SignalStatus; tradeId: string | null }
  | { type: 'entry_submitted'; signalId: string | null; tradeId: string; outcome: SubmitOutcome['kind'] }
  | { type: 'expired'; signalId: string }
  | { type: 'emergency_stop'; phase: 'started' | 'finished' };

/** a signal between its arrival and its decision */
export interface QueuedDecision {
  readonly id: string;
  /** stores the signal as received and answers with that (idempotent; the queue calls it when blocked) */
  record(): void;
  /** resolves with the decision (or the stored answer when there is none to make) */
  readonly decided: Promise<SignalAnswer>;
}

export class PipelineRuntime {
  private readonly events = new Subject<PipelineEvent>();
  readonly events$: Observable<PipelineEvent> = this.events.asObservable();
  private readonly serial = new SerialQueue();
  /** work handed to the queue so far: idle() knows whether more came while it waited */
  private queued = 0;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** set while an emergency stop runs: every entry path refuses before doing anything else */
  emergency = false;
  /** emergency stops begun so far: a decision that saw another number at its start does not commit */
  stops = 0;
  /** the execution mode the last decision ran under (a received row's provisional mode) */
  lastMode: ExecutionMode | null = null;
  private brokerWaits = 0;
  /** decisions queued and not yet started, by signal id (and the one deciding) */
  private readonly waiting = new Set<QueuedDecision>();
  private readonly live = new Map<string, QueuedDecision>();

  readonly account: AccountCache;

  constructor(readonly deps: PipelineDeps) {
    this.account = new AccountCache({ clock: deps.clock, broker: deps.broker, maxAgeMs: deps.accountMaxAgeMs, warn: deps.warn, onSnapshot: deps.onAccount });
  }

  emit(event: PipelineEvent): void {
    this.events.next(event);
  }

  /**
   * the earliest time a pending signal may expire, as far as this process knows: -Infinity while
   * unknown (the sweep looks), Infinity when nothing is pending. Lowered BEFORE a pending signal is
   * written, so a sweep pass that read the table just before the write cannot lose it.
   */
  nextExpiryAt = -Infinity;

  private pendingWaiters: Array<() => void> = [];

  pendingUntil(expiresAt: number): void {
    if (expiresAt < this.nextExpiryAt) this.nextExpiryAt = expiresAt;
    const waiters = this.pendingWaiters;
    this.pendingWaiters = [];
    for (const wake of waiters) wake();
  }

  /** resolves at the next pendingUntil(); rejects with the signal's reason when it aborts */
  untilPending(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.pendingWaiters = this.pendingWaiters.filter((w) => w !== wake);
        reject(signal.reason);
      };
      const wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      this.pendingWaiters.push(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.queued++;
    return this.serial.run(work);
  }

  /** queues a signal's decision; if the queue is waiting for the broker the signal is recorded at once */
  enqueueDecision(entry: QueuedDecision, decide: () => Promise<void>): void {
    this.waiting.add(entry);
    // a repeated id queued meanwhile is answered from the first one's row; the first stays the live one
    if (!this.live.has(entry.id)) this.live.set(entry.id, entry);
    if (this.brokerWaits > 0) entry.record();
    void this.exclusive(async () => {
      this.waiting.delete(entry);
      await decide();
    }).catch((error: unknown) => this.deps.warn?.(`the decision on signal ${entry.id} failed`, error))
      .finally(() => { if (this.live.get(entry.id) === entry) this.live.delete(entry.id); });
  }

  /** the decision still to come for a signal in this process, if any */
  pendingDecision(id: string): Promise<SignalAnswer> | null {
    return this.live.get(id)?.decided ?? null;
  }

  /** a queued decision waits for the broker: everything queued behind it is answered meanwhile */
  async brokerWait<T>(work: () => Promise<T>): Promise<T> {
    this.brokerWaits++;
    for (const entry of this.waiting.values()) entry.record();
    try {
      return await work();
    } finally {
      this.brokerWaits--;
    }
  }

  /**
   * runs an entry's commit (its rows, then the hand-off of its POST) unless an emergency stop began
   * since `stopsSeen` or runs now: null then, and nothing was written. The check and the tracking
   * happen in one synchronous step, so the kill switch (entriesSettled) sees every commit it did not stop.
   */
  commitEntry<T>(stopsSeen: number, work: () => Promise<T>): Promise<T> | null {
    if (this.emergency || this.stops !== stopsSeen) return null;
    const running = work();
    this.track(running);
    return running;
  }

  /** sends the entry after the caller has answered; never awaited by it. `signalReceivedAt`: when
   *  its signal arrived (the signal-to-order latency is measured from there to this POST) */
  submitInBackground(trade: Trade, cause: string, signalReceivedAt: number): void {
    if (trade.notional) this.account.reserve(trade.id, trade.notional);
    this.deps.metrics?.signalToOrder((this.deps.clock.now() - signalReceivedAt) / 1000);
    const work = submitEntry(this.deps, trade, cause).then(
      (outcome) => {
        this.account.settled(trade.id, outcome.kind);
        this.emit({ type: 'entry_submitted', signalId: trade.signalId, tradeId: trade.id, outcome: outcome.kind });
      },
      (error: unknown) => {
        this.account.settled(trade.id, 'unknown');
        this.deps.warn?.(`entry submission for trade ${trade.id} failed`, error);
      },
    );
    this.track(work);
  }

  track(work: Promise<unknown>): void {
    const settled = work.finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
  }

  /** resolves when every committed entry and its POST have settled (not the decisions still queued) */
  async entriesSettled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** resolves when the queue and every background submission have settled */
  async idle(): Promise<void> {
    for (;;) {
      await this.entriesSettled();
      const queued = this.queued;
      await this.serial.idle();
      // a decision may have committed an entry, or another one queued, meanwhile
      if (this.inFlight.size === 0 && this.queued === queued) return;
    }
  }

  complete(): void {
    this.events.complete();
  }
}
