/**
 * "Never a silent exiting forever", the pure half: which exits cannot complete.
 * Invariants:
 *  - an exit whose actor gave up (its attempts exhausted, or nothing it may safely send) is stuck
 *    at once, whatever the time;
 *  - an exit still trying is stuck once it has been exiting longer than EXIT_STUCK_AFTER_MS of
 *    REGULAR-session time: a market sell decided outside the session waits for the open by design
 *    (Alpaca queues it), so only the time since today's open counts, and only while it is open;
 *  - deterministic: sorted by trade id.
 */
import { isRegularSessionOpen, sessionOn } from '../calendar/nyse-calendar.js';
import type { EpochMs } from '../../domain/time.js';

/** a market sell of a liquid US stock fills within a second in the session; two minutes is trouble */
export const EXIT_STUCK_AFTER_MS = 2 * 60_000;

/** one exiting trade as its position actor sees it */
export interface ExitProgress {
  tradeId: string;
  symbol: string;
  /** when the trade started exiting (a restored one: its row's last write) */
  since: EpochMs;
  /** why the actor stopped trying; null while it still tries */
  gaveUp: string | null;
}

export interface StuckExit {
  tradeId: string;
  symbol: string;
  since: EpochMs;
  reason: 'gave_up' | 'too_long';
  detail: string;
}

export function stuckExits(exits: readonly ExitProgress[], now: EpochMs, boundMs = EXIT_STUCK_AFTER_MS): StuckExit[] {
  const out: StuckExit[] = [];
  const open = isRegularSessionOpen(now) ? sessionOn(now)!.open : null;
  for (const e of exits) {
    if (e.gaveUp !== null) {
      out.push({ tradeId: e.tradeId, symbol: e.symbol, since: e.since, reason: 'gave_up', detail: e.gaveUp });
      continue;
    }
    if (open === null) continue;
    const waited = now - Math.max(e.since, open);
    if (waited > boundMs) {
      out.push({ tradeId: e.tradeId, symbol: e.symbol, since: e.since, reason: 'too_long', detail: `exiting for ${Math.round(waited / 1000)} s of the session without a fill` });
    }
  }
  return out.sort((a, b) => (a.tradeId < b.tradeId ? -1 : a.tradeId > b.tradeId ? 1 : 0));
}
