/** The exit rules' settings from the bot's persisted config; forceCloseAt comes from the session-close scheduler. */
import type { BotConfig } from '../domain/bot-config.js';
import type { ExitSettings } from '../core/exits/exit.types.js';

export function toExitSettings(config: BotConfig, forceCloseAt: number | null): ExitSettings {
  return {
    hardStopLossPct: config.hardStopLossPct, profitTargetPct: config.profitTargetPct, trailingStopPct: config.trailingStopPct,
    maxHoldDurationSec: config.maxHoldDurationSec, forceCloseAt,
  };
}
