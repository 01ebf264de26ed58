// How the Performance view reads its figures: ratios and percents with their sign, "—" with the
// reason a figure is undefined (the API answers null then), and words for the breakdown keys.
import { EXIT_LABELS } from './journal-format.js';

/** a shown figure: `text`, its colour class `sign` ('gain' | 'loss' | 'flat' | 'none'), and `title` for hover */
export const missing = (why) => ({ text: '—', sign: 'none', title: why });

/** 0.6667 → '66.7%' */
export function percentOfRatio(ratio, why) {
  return ratio === null || ratio === undefined ? missing(why) : { text: `${(ratio * 100).toFixed(1)}%`, sign: 'none' };
}

/** a percent figure (already × 100) with its sign spelt out */
export function signedPercent(pct, why) {
  if (pct === null || pct === undefined) return missing(why);
  const sign = pct > 0 ? 'gain' : pct < 0 ? 'loss' : 'flat';
  return { text: `${pct > 0 ? '+' : pct < 0 ? '−' : ''}${Math.abs(pct).toFixed(2)}%`, sign };
}

export function plainNumber(n, why, digits = 2) {
  return n === null || n === undefined ? missing(why) : { text: n < 0 ? `−${Math.abs(n).toFixed(digits)}` : n.toFixed(digits), sign: 'none' };
}

/** dollars without a sign, e.g. a drawdown that is a fall by definition */
export function dollars(decimalString, why) {
  if (decimalString === null || decimalString === undefined) return missing(why);
  return { text: `$${Math.abs(Number(decimalString)).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`, sign: 'none' };
}

/** compact axis money: 101234.5 → '$101,235' */
export const axisMoney = (n) => `${n < 0 ? '−' : ''}$${Math.abs(n).toLocaleString('en-US', { maximumFractionDigits: Math.abs(n) >= 1000 ? 0 : 2 })}`;

const DAY = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', month: 'short', day: 'numeric' });
const DAY_KEY = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' });
/** the New York date of an instant: `key` 'YYYY-MM-DD' and `text` 'Mar 2' */
export const nyDay = (epochMs) => ({ key: DAY_KEY.format(new Date(epochMs)), text: DAY.format(new Date(epochMs)) });
/** 'YYYY-MM-DD' → 'Mar 2' (noon UTC is that same date in New York) */
export const dateText = (date) => DAY.format(new Date(`${date}T12:00:00Z`));
/** today's New York date, 'YYYY-MM-DD' */
export const todayNy = () => DAY_KEY.format(new Date());

export const DIMENSIONS = {
  strategy: 'Strategy', catalystType: 'Catalyst type', catalystTier: 'Catalyst tier', stars: 'Stars',
  exitReason: 'Exit reason', symbol: 'Symbol', entryHourEt: 'Entry hour (ET)', weekday: 'Weekday (ET)',
};

/** a breakdown key as the trader reads it; null is a trade without that fact */
export function keyText(dimension, key) {
  if (key === null) return dimension === 'entryHourEt' || dimension === 'weekday' ? '(no entry time)' : '(none)';
  if (dimension === 'exitReason') return EXIT_LABELS[key] ?? key;
  if (dimension === 'entryHourEt') return `${String(key).padStart(2, '0')}:00–${String(key).padStart(2, '0')}:59`;
  if (dimension === 'catalystTier') return `Tier ${key}`;
  if (dimension === 'stars') return `${'★'.repeat(Number(key))} (${key})`;
  return String(key);
}

/** why a summary figure is null, given how many trades closed */
export function nullReasons(summary, curveLength) {
  const noTrade = summary.trades === 0 ? 'no closed trade in this range' : null;
  const noEquity = curveLength === 0 ? 'no equity snapshot in this range' : null;
  return {
    winRate: noTrade, expectancy: noTrade, best: noTrade, worst: noTrade,
    profitFactor: noTrade ?? 'no losing trade: nothing to divide by',
    drawdown: noEquity ?? 'no fall from a peak',
    sharpe: noEquity ?? 'needs at least 2 daily returns that vary',
    sortino: noEquity ?? 'needs at least 2 daily returns and a losing day',
  };
}
