/** The one source of time (docs/design.md §2). Production: src/clock/system.clock.ts. */
export interface Clock {
  /** epoch milliseconds */
  now(): number;
  /** resolves after `ms` of this clock's time; rejects with the signal's reason if aborted */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Source of randomness for jitter; injected so tests are deterministic. */
export type Random = () => number;
