/**
 * Why Keel did not (or will not) enter: a closed union of codes (docs/design.md §3), the same in
 * the signal log, the API and the journal. Denials are values, never exceptions.
 */
export const DENIAL_CODES = [
  'BOT_NOT_RUNNING',
  'NOT_RECONCILED',
  'MARKET_CLOSED',
  'MARKET_STATE_UNKNOWN',
  'DUPLICATE_SYMBOL',
  'MAX_CONCURRENT_POSITIONS',
  'PER_TRADE_CAP',
  'INSUFFICIENT_BUYING_POWER',
  'BUYING_POWER_UNKNOWN',
  'CATALYST_TIER_DISABLED',
  'PILLAR_SHARE_PRICE',
  'PILLAR_FLOAT',
  'PILLAR_RELATIVE_VOLUME',
  'NO_STAR_RATING',
  'STARS_TOO_LOW',
  'SIZE_NOT_POSITIVE',
  'PRICE_UNAVAILABLE',
  'BROKER_REJECTED',
  // the safety layer
  'CIRCUIT_BREAKER',
  // the latest closed trades win less than minWinRate (the win-rate guard)
  'WIN_RATE_BELOW_MIN',
  'MAX_TRADES_PER_DAY',
  'DAILY_LOSS_LIMIT',
  'EQUITY_UNKNOWN',
  'MAX_POSITION_ALLOCATION',
  'MAX_TOTAL_INVESTED',
  'MIN_CONFIDENCE',
  'STRATEGY_DISABLED',
  'MAX_ROUND_TRIPS',
  'ACCOUNT_BLOCKED',
  'INTRADAY_MARGIN',
  'WASH_TRADE_RISK',
  'STREAM_RECONCILING',
  'ANOTHER_INSTANCE_ACTIVE',
  // a signal whose decision waited (a broker read, a restart) past its decision window
  'SIGNAL_TOO_OLD',
  // the signal's own stopLossPrice / takeProfitPrice do not hold stop < price < target
  'INVALID_SIGNAL_LEVELS',
  // the day's forced close has begun: an entry would be sold at once
  'SESSION_CLOSING',
] as const;
export type DenialCode = (typeof DENIAL_CODES)[number];

export interface Denial {
  code: DenialCode;
  /** one line a trader understands */
  message: string;
  /** the numbers behind it, e.g. { limit: 3, open: 3 } (JSON-safe: decimals as strings) */
  context: Record<string, unknown>;
}

/** one check's verdict, kept for the what-if view and a trade's provenance */
export interface CheckVerdict {
  check: string;
  passed: boolean;
  denial: Denial | null;
}
