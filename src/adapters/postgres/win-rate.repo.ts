/**
 * The win-rate guard's window, counted in SQL: of the current mode's closed trades that closed
 * AFTER bot_config.win_rate_window_start (a resume's instant; null = every trade), the latest
 * min_win_rate_lookback, as [trades, wins] (win = pnl > 0). The same fragment serves the guard
 * (loadWinRateWindow) and the entry decision's one statement (entry.repo.ts), so both judge
 * the same trades. It reads the bot_config row under the alias `c`; the partial index on closed
 * trades by (mode, exit_at) (0005) answers it without a scan.
 */
import { sql, type RawBuilder } from 'kysely';
import type { WinRateWindow } from '../../core/safety/win-rate.js';
import type { DbOrTrx } from './schema.js';

/** [trades, wins] of the window of the bot_config row aliased `c` */
export function winRateWindowSql(): RawBuilder<number[] | null> {
  return sql<number[] | null>`(SELECT ARRAY[count(*)::int, (count(*) FILTER (WHERE w.pnl > 0))::int] FROM (
    SELECT t.pnl FROM bot_trade t
    WHERE t.status = 'closed' AND t.pnl IS NOT NULL AND t.mode = c.mode
      AND (c.win_rate_window_start IS NULL OR t.exit_at > c.win_rate_window_start)
    ORDER BY t.exit_at DESC, t.id DESC
    LIMIT c.min_win_rate_lookback) w)`;
}

export function toWinRateWindow(counts: readonly number[] | null | undefined): WinRateWindow {
  return { trades: Number(counts?.[0] ?? 0), wins: Number(counts?.[1] ?? 0) };
}

/** the window as it stands now; an empty one when the bot_config row does not exist yet */
export async function loadWinRateWindow(db: DbOrTrx): Promise<WinRateWindow> {
  const row = await db.selectFrom('bot_config as c').select(winRateWindowSql().as('window')).where('c.id', '=', 1).executeTakeFirst();
  return toWinRateWindow(row?.window);
}
