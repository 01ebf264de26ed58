// Every bot_config setting the Settings view edits, grouped as a trader thinks about them, with the
// unit and the range Keel's API accepts (the README's settings table says the same). Only input
// types live here: the range is shown, never checked, so the server's own 400 is what a trader sees.
// kind: bool | enum | money | number | int | int-or-none | pct-or-none | time | tiers | list | json
export const SETTING_GROUPS = [
  {
    name: 'Execution',
    why: 'Whether and how Keel acts on a signal.',
    fields: [
      { key: 'enabled', label: 'Enabled', kind: 'bool', range: 'on / off; recorded only: Start and Stop decide whether Keel trades' },
      { key: 'executionMode', label: 'Execution mode', kind: 'enum', options: [['signal_only', 'Signal only: log, never trade'], ['semi_auto', 'Semi auto: wait for approval'], ['full_auto', 'Full auto: trade']] },
      { key: 'approvalTtlMinutes', label: 'Approval expires after', kind: 'int', unit: 'minutes', range: '1 – 1440, whole' },
      { key: 'entryOrderType', label: 'Entry order', kind: 'enum', options: [['notional_market', 'Notional market buy'], ['bracket', 'Bracket: whole shares with take-profit and stop legs']] },
      { key: 'entryLimitOffsetPct', label: 'Bracket entry limit', kind: 'pct-or-none', unit: '% above the signal\'s price', range: '0 – 10, 4 decimals; empty = a market entry' },
      { key: 'autoResumeNextDay', label: 'Resume automatically the next day', kind: 'bool', range: 'on / off' },
    ],
  },
  {
    name: 'Sizing',
    why: 'How many dollars an entry buys.',
    fields: [
      { key: 'sizingMode', label: 'Sizing mode', kind: 'enum', options: [['star_tiers', 'By stars'], ['fixed_dollar', 'Fixed dollars × confidence'], ['pct_portfolio', 'Percent of portfolio'], ['risk_based', 'Risk based']] },
      { key: 'positionSizeUsd', label: 'Position size', kind: 'money', unit: 'USD', range: '0.01 – 10,000,000, cents' },
      { key: 'tradeSizeStars3', label: 'Size at 3 stars', kind: 'money', unit: 'USD', range: '0.01 – 10,000,000, cents' },
      { key: 'tradeSizeStars4', label: 'Size at 4 stars', kind: 'money', unit: 'USD', range: '0.01 – 10,000,000, cents' },
      { key: 'tradeSizeStars5', label: 'Size at 5 stars', kind: 'money', unit: 'USD', range: '0.01 – 10,000,000, cents' },
      { key: 'confidenceMultiplierHigh', label: 'Multiplier, high confidence', kind: 'number', unit: '×', range: '0 – 10, 4 decimals; 0 skips' },
      { key: 'confidenceMultiplierMed', label: 'Multiplier, medium confidence', kind: 'number', unit: '×', range: '0 – 10, 4 decimals; 0 skips' },
      { key: 'confidenceMultiplierLow', label: 'Multiplier, low confidence', kind: 'number', unit: '×', range: '0 – 10, 4 decimals; 0 skips' },
      { key: 'riskPctPerTrade', label: 'Risk per trade', kind: 'number', unit: '%', range: 'above 0 – 100, 4 decimals' },
      { key: 'maxPerTradeUsd', label: 'Most per trade', kind: 'money', unit: 'USD', range: '0.01 – 10,000,000, cents' },
    ],
  },
  {
    name: 'Risk',
    why: 'Limits on exposure and activity.',
    fields: [
      { key: 'maxConcurrentPositions', label: 'Most open positions', kind: 'int-or-none', unit: 'positions', range: '1 – 1000, whole; empty = no cap' },
      { key: 'maxTradesPerDay', label: 'Most entries per day', kind: 'int', unit: 'entries', range: '1 – 1000, whole' },
      { key: 'maxRoundTripsPerDay', label: 'Most round trips per day', kind: 'int-or-none', unit: 'round trips', range: '1 – 1000, whole; empty = no cap' },
      { key: 'dailyLossLimitUsd', label: 'Daily loss limit', kind: 'money', unit: 'USD', range: '0 – 10,000,000, cents; 0 denies every entry with a stop' },
      { key: 'maxPortfolioAllocationPct', label: 'Most of the portfolio in one position', kind: 'number', unit: '%', range: 'above 0 – 100, 4 decimals' },
      { key: 'maxTotalInvestedPct', label: 'Most of the portfolio invested', kind: 'number', unit: '%', range: 'above 0 – 100, 4 decimals' },
    ],
  },
  {
    name: 'Breakers',
    why: "Today's drawdown levels that warn, pause and halt the bot (warn ≤ pause ≤ halt), and the win-rate guard: it pauses the bot when the last closed trades win less than this rate.",
    fields: [
      { key: 'circuitBreakerWarnPct', label: 'Warn at drawdown', kind: 'number', unit: '%', range: 'above 0 – 100, 4 decimals' },
      { key: 'circuitBreakerPausePct', label: 'Pause at drawdown', kind: 'number', unit: '%', range: 'above 0 – 100, 4 decimals' },
      { key: 'circuitBreakerHaltPct', label: 'Halt at drawdown', kind: 'number', unit: '%', range: 'above 0 – 100, 4 decimals' },
      { key: 'minWinRate', label: 'Pause below win rate', kind: 'pct-or-none', unit: 'ratio of the last closed trades', range: '0 – 1, 4 decimals; empty = the win-rate guard off' },
      { key: 'minWinRateLookback', label: 'Win-rate window', kind: 'int', unit: 'closed trades', range: '5 – 500, whole' },
    ],
  },
  {
    name: 'Exits',
    why: 'When an open position is sold.',
    fields: [
      { key: 'hardStopLossPct', label: 'Hard stop loss', kind: 'number', unit: '% below entry', range: 'above 0 – 100, 4 decimals' },
      { key: 'profitTargetPct', label: 'Profit target', kind: 'number', unit: '% above entry', range: 'above 0 – 100, 4 decimals' },
      { key: 'trailingStopPct', label: 'Trailing stop', kind: 'pct-or-none', unit: '% below peak', range: 'above 0 – 100, 4 decimals; empty = off' },
      { key: 'maxHoldDurationSec', label: 'Longest hold', kind: 'int', unit: 'seconds', range: '1 – 604,800 (7 days), whole' },
      { key: 'eodForceCloseTime', label: 'Force close at', kind: 'time', unit: 'HH:MM New York', range: '09:30 – 16:00' },
      {
        key: 'exitOverrides', label: 'Exits by catalyst', kind: 'json', unit: 'JSON',
        range: 'catalyst type → any of hardStopLossPct, profitTargetPct, trailingStopPct (null = off), maxHoldSec; e.g. {"earnings": {"hardStopLossPct": 4}}; {} = none. A signal\'s own stop and target come first',
      },
      { key: 'brokerStopMode', label: 'Stop at the broker', kind: 'enum', options: [['hard_stop', 'At the hard stop: protects a position while Keel is down'], ['off', "Off: Keel's own monitor only"]] },
    ],
  },
  {
    name: 'Filters',
    why: 'Which signals are considered at all.',
    fields: [
      { key: 'enabledCatalystTiers', label: 'Catalyst tiers', kind: 'tiers', range: 'tiers 1 – 4; none = every signal is denied' },
      { key: 'enabledStrategies', label: 'Strategies', kind: 'list', unit: 'comma-separated', range: 'up to 100 names; empty = every strategy' },
      { key: 'minConfidence', label: 'Least confidence', kind: 'number', unit: '/ 100', range: '0 – 100, 4 decimals; 0 = any' },
    ],
  },
  {
    name: '5 Pillars',
    why: 'Judged when a signal carries the price, float or relative volume.',
    fields: [
      { key: 'maxSharePrice', label: 'Highest share price', kind: 'money', unit: 'USD', range: '0.01 – 10,000,000, cents' },
      { key: 'maxFloatShares', label: 'Largest float', kind: 'int', unit: 'shares', range: '1 – 100,000,000,000, whole' },
      { key: 'minRelativeVolume', label: 'Least relative volume', kind: 'number', unit: '×', range: '0 – 1000, 4 decimals; 0 = any' },
    ],
  },
];

/** the text an input shows for a stored value */
export function toText(field, value) {
  if (field.kind === 'bool') return Boolean(value);
  if (field.kind === 'tiers') return [...value].sort().join(',');
  if (field.kind === 'list') return value.join(', ');
  if (field.kind === 'json') return JSON.stringify(value ?? {}, null, 1);
  return value === null || value === undefined ? '' : String(value);
}

/** what PATCH carries for an input's text; anything unreadable is sent as typed, for Keel to name */
export function fromText(field, text) {
  switch (field.kind) {
    case 'bool': return Boolean(text);
    case 'enum': case 'time': case 'money': return text.trim();
    case 'tiers': return text === '' ? [] : text.split(',').map(Number);
    case 'list': return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    case 'json': {
      try { return JSON.parse(text); } catch { return text; }
    }
    default: {
      const t = text.trim();
      if (t === '' && (field.kind === 'int-or-none' || field.kind === 'pct-or-none')) return null;
      const n = Number(t);
      return t !== '' && Number.isFinite(n) ? n : t;
    }
  }
}
