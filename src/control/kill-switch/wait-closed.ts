/**
 * Waits for kill-switch exits: each trade's 'closed' (or 'exit_failed' / 'untracked') from the
 * position supervisor, or the deadline on the injected Clock, whichever comes first.
 * Invariant: subscribed BEFORE the database is read, so a trade that closes in between is seen
 * by one or the other (the database is the truth for what already happened).
 */
import type { EpochMs } from '../../domain/time.js';
import type { PipelineDeps } from '../pipeline/pipeline-deps.js';
import { listTrades } from '../../adapters/postgres/index.js';

const SETTLED = new Set(['closed', 'exit_failed', 'untracked']);

export async function waitForClosed(deps: Pick<PipelineDeps, 'db' | 'clock' | 'supervisor'>, tradeIds: readonly string[], deadline: EpochMs): Promise<void> {
  if (tradeIds.length === 0) return;
  const waiting = new Set(tradeIds);
  let settle = (): void => undefined;
  const allSettled = new Promise<void>((resolve) => { settle = resolve; });
  const sub = deps.supervisor.events$.subscribe((e) => {
    if ('tradeId' in e && SETTLED.has(e.type) && waiting.delete(e.tradeId) && waiting.size === 0) settle();
  });
  const abort = new AbortController();
  try {
    const stillLive = await listTrades(deps.db, { statuses: ['exiting', 'open'] });
    for (const id of [...waiting]) if (!stillLive.some((t) => t.id === id)) waiting.delete(id);
    if (waiting.size === 0) return;
    const expired = deps.clock.sleep(Math.max(0, deadline - deps.clock.now()), abort.signal).catch(() => undefined);
    await Promise.race([allSettled, expired]);
  } finally {
    abort.abort();
    sub.unsubscribe();
  }
}
