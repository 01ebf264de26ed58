/**
 * The pipeline's shared runtime: one intake queue, the background work in flight, the emergency
 * flag and the event stream tests and the dashboard await.
 * Invariants: every decision that can create a trade (ingestion, approval, expiry) runs through the
 * ONE queue, so two signals for a symbol can never both see it free; background submissions are
 * tracked until they settle, so shutdown (and tests) can wait for them; the emergency flag is read
 * first by every entry path; an entry's notional is reserved in the account cache from its commit
 * until a snapshot read after its POST settled (account-cache.ts).
 */
import { Subject, type Observable } from 'rxjs';
import type { SubmitOutcome } from '../../ports/broker.port.js';
import type { SignalStatus } from '../../domain/signal.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { submitEntry } from './entry-executor.js';
import type { Trade } from '../../domain/trade.js';
import { AccountCache } from './account-cache.js';

export type PipelineEvent =
  | { type: 'signal'; signalId: string; outcome: SignalStatus; tradeId: string | null }
  | { type: 'entry_submitted'; signalId: string | null; tradeId: string; outcome: SubmitOutcome['kind'] }
  | { type: 'expired'; signalId: string }
  | { type: 'emergency_stop'; phase: 'started' | 'finished' };

export class PipelineRuntime {
  private readonly events = new Subject<PipelineEvent>();
  readonly events$: Observable<PipelineEvent> = this.events.asObservable();
  private serial: Promise<unknown> = Promise.resolve();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** set while an emergency stop runs: every entry path refuses before doing anything else */
  emergency = false;

  readonly account: AccountCache;

  constructor(readonly deps: PipelineDeps) {
    this.account = new AccountCache({ clock: deps.clock, broker: deps.broker, maxAgeMs: deps.accountMaxAgeMs, warn: deps.warn, onSnapshot: deps.onAccount });
  }

  emit(event: PipelineEvent): void {
    this.events.next(event);
  }

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.serial.then(work);
    this.serial = next.catch(() => undefined);
    return next;
  }

  /** sends the entry after the caller has answered; never awaited by it */
  submitInBackground(trade: Trade, cause: string): void {
    if (trade.notional) this.account.reserve(trade.id, trade.notional);
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

  /** resolves when the queue and every background submission have settled */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await this.serial;
  }

  complete(): void {
    this.events.complete();
  }
}
