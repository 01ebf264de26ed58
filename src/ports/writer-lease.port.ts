/**
 * CONTRACT: one writer per broker account and mode (two instances writing for one account would each believe they own its orders: docs/design.md, "Lessons from other bots").
 * Only the instance that holds the lease may place orders or change the bot's state; another
 * instance on the same database stays read-only until the lease is free.
 * Invariants:
 *  - holds() is true only between a successful tryAcquire and release/close/loss;
 *  - tryAcquire while holding returns true and changes nothing (one release frees the lease);
 *  - release and close are idempotent and never notify onLost (only an unplanned loss does);
 *  - onLost listeners are called once per holding period, after holds() already reads false;
 *  - waitUntilAcquired never rejects because of a failed attempt (it retries on the next poll),
 *    only with the signal's reason when aborted.
 */
export interface WriterLease {
  /** e.g. `keel:live:<api key id>`: printable, never contains a secret */
  readonly name: string;
  holds(): boolean;
  /** one attempt; true when held afterwards. Rejects when the database cannot be reached. */
  tryAcquire(): Promise<boolean>;
  release(): Promise<void>;
  /** resolves when acquired (one attempt at once, then one every poll interval of the injected clock) */
  waitUntilAcquired(signal: AbortSignal): Promise<void>;
  /** a held lease was lost (its connection died or stopped answering): stop writing at once */
  onLost(listener: (reason: string) => void): () => void;
  /** releases if held and ends the connection; the lease cannot be acquired afterwards */
  close(): Promise<void>;
  /** queries of its own in flight (a heartbeat): KeelService.quiet() counts them, so a driver of a
   *  manual clock never moves time past a query's timeout while the answer is on its way; absent = none */
  inFlight?(): number;
}
