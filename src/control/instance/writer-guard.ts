/**
 * Boot-time coordinator of the single-writer lease: decides whether this instance may write
 * (place orders, change the bot's state) or stays read-only (API and journal readable).
 * Invariants:
 *  - role 'writer' only while the lease is held AND onAcquired has finished (the caller
 *    reconciled); while onAcquired runs the role is still what it was ('read_only' or 'lost');
 *  - onAcquired runs once per acquisition — at boot when the first try wins, on takeover, or after
 *    a loss when the lease comes back — never twice at once; its signal aborts on stop();
 *  - a loss → role 'lost' and onLost(reason) at once, then the guard waits for the lease again;
 *  - onAcquired failing → the lease is released (another instance may take it) and the guard
 *    tries again after retryMs; failures go to warn, never to the caller after start;
 *  - stop() aborts the wait, releases the lease and leaves the role 'read_only'; it does not wait
 *    for an onAcquired still running (that one sees its signal aborted).
 */
import type { Clock } from '../../ports/clock.port.js';
import type { WriterLease } from '../../ports/writer-lease.port.js';

export type WriterRole = 'writer' | 'read_only' | 'lost';

export interface WriterGuardDeps {
  lease: WriterLease;
  clock: Clock;
  /** the lease was just acquired: reconcile (restore the state) before the role turns 'writer' */
  onAcquired: (signal: AbortSignal) => Promise<void>;
  /** the lease was lost: stop writing at once (halt, go read-only) */
  onLost: (reason: string) => void;
  warn: (message: string, error?: unknown) => void;
  /** after a failed onAcquired, wait this long before trying again (default 5 s) */
  retryMs?: number;
}

export interface WriterGuard {
  role(): WriterRole;
  stop(): Promise<void>;
}

type Next = 'serve' | 'retry' | 'wait';

export async function startWriterGuard(deps: WriterGuardDeps): Promise<WriterGuard> {
  const { lease, clock, warn } = deps;
  const retryMs = deps.retryMs ?? 5_000;
  const stopping = new AbortController();
  const { signal } = stopping;
  const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  let role: WriterRole = 'read_only';
  let lost: Promise<void> = Promise.resolve();
  let announceLoss = (): void => undefined;

  const unsubscribe = lease.onLost((reason) => {
    if (signal.aborted) return;
    role = 'lost';
    try {
      deps.onLost(reason);
    } catch (error) {
      warn(`writer guard: the onLost handler of ${lease.name} failed`, error);
    }
    announceLoss();
  });

  /** just acquired: run onAcquired, then 'serve' (writer), 'retry' (it failed) or 'wait' (lost/stopped) */
  async function takeOver(): Promise<Next> {
    lost = new Promise<void>((resolve) => { announceLoss = resolve; });
    try {
      await deps.onAcquired(signal);
    } catch (error) {
      if (signal.aborted) return 'wait';
      warn(`writer guard: taking over ${lease.name} failed; releasing it, next try in ${retryMs} ms`, error);
      await lease.release().catch((e: unknown) => warn(`writer guard: releasing ${lease.name} failed`, e));
      return 'retry';
    }
    if (signal.aborted || !lease.holds()) return 'wait';
    role = 'writer';
    return 'serve';
  }

  async function run(next: Next): Promise<void> {
    while (!signal.aborted) {
      if (next === 'serve') {
        await Promise.race([lost, stopped]);
        next = 'wait';
      } else if (next === 'retry') {
        await clock.sleep(retryMs, signal).catch(() => undefined);
        next = 'wait';
      } else {
        try {
          await lease.waitUntilAcquired(signal);
        } catch {
          return; // only an abort rejects it
        }
        if (signal.aborted) return;
        next = await takeOver();
      }
    }
  }

  const first = await lease.tryAcquire().catch((error: unknown) => {
    warn(`writer guard: first try for ${lease.name} failed; waiting read-only`, error);
    return false;
  });
  void run(first ? await takeOver() : 'wait');

  return {
    role: () => role,
    async stop() {
      if (signal.aborted) return;
      stopping.abort(new Error('writer guard stopped'));
      unsubscribe();
      await lease.release().catch((error: unknown) => warn(`writer guard: releasing ${lease.name} failed`, error));
      role = 'read_only';
    },
  };
}
