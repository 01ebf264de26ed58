/** The exit rules' settings from the bot's persisted config; forceCloseAt comes from the session-close scheduler. */
import type { BotSettings } from '../domain/bot-config.js';
import type { EpochMs } from '../domain/time.js';
import type { ExitDecision, ExitSettings } from '../core/exits/exit.types.js';
import type { SymbolBook } from '../core/exits/symbol-book.js';

export function toExitSettings(config: Pick<BotSettings, 'hardStopLossPct' | 'profitTargetPct' | 'trailingStopPct' | 'maxHoldDurationSec'>, forceCloseAt: number | null): ExitSettings {
  return {
    hardStopLossPct: config.hardStopLossPct, profitTargetPct: config.profitTargetPct, trailingStopPct: config.trailingStopPct,
    maxHoldDurationSec: config.maxHoldDurationSec, forceCloseAt,
  };
}

/**
 * New settings for every book, each re-evaluated at once at its last price: that price is still
 * the market's, and a stop tightened past it or a max hold already exceeded must fire now, not on
 * the next tick (a 5 s poll away on a quiet symbol). Positions already exiting are in no book.
 */
export function rearmBooks(books: readonly SymbolBook[], settings: ExitSettings, now: EpochMs): { armed: number; decisions: ExitDecision[] } {
  let armed = 0;
  const decisions: ExitDecision[] = [];
  for (const book of books) {
    armed += book.size;
    book.setSettings(settings);
    decisions.push(...book.recheck(now));
  }
  return { armed, decisions };
}
