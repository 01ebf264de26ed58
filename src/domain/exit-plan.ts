/**
 * The exit levels a trade uses, resolved when its signal fires and frozen on the trade (bot_trade.exit_plan):
 * per level, the signal's own price → the catalyst type's override (bot_config.exit_overrides) → the
 * global settings. What came from the signal or the override is stored here and never changes; a
 * level that came from the settings follows them (a PATCHed stop applies to open positions at once).
 */
export const LEVEL_SOURCES = ['signal', 'catalyst', 'settings'] as const;
export type LevelSource = (typeof LEVEL_SOURCES)[number];

/** one catalyst type's exit settings, each optional (absent = the global setting) */
export interface ExitOverride {
  hardStopLossPct?: number;
  profitTargetPct?: number;
  /** null = no trailing stop for this catalyst */
  trailingStopPct?: number | null;
  maxHoldSec?: number;
}

/** catalyst type → its override */
export type ExitOverrides = Readonly<Record<string, ExitOverride>>;

export interface ExitPlan {
  /** the catalyst type whose override applied; null when none did */
  catalystType: string | null;
  /** the signal's own levels (decimal strings), in place of the percentages */
  stopPrice: string | null;
  targetPrice: string | null;
  /** the catalyst override's values as they were at entry (only those it set) */
  override: ExitOverride;
  sources: { stop: LevelSource; target: LevelSource; trailingStop: LevelSource; maxHold: LevelSource };
  /** a whole-share bracket entry (its legs at stopPrice / targetPrice above); absent or null = the notional market buy */
  bracket?: BracketEntry | null;
}

/** a bracket entry as sent: decimal strings */
export interface BracketEntry {
  qty: string;
  /** null = a market entry */
  limitPrice: string | null;
  takeProfit: string;
  stopLoss: string;
}
