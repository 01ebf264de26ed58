/**
 * The win-rate guard's judgement: do the latest closed trades of the current mode win often enough?
 * Invariants:
 *  - a win is a trade closed with pnl > 0 (break-even is not a win);
 *  - nothing is judged before `lookback` trades closed in the window (a resume starts a fresh
 *    window): 'waiting', never 'below', so a new bot or a fresh window cannot be paused by a few
 *    early losers;
 *  - minWinRate null = the guard is off ('off', whatever the trades);
 *  - below means wins / trades < minWinRate, compared exactly (wins < minWinRate × trades in
 *    decimal: 0.55 × 20 is 11, not 11.000000000000002).
 */
import type { BotSettings } from '../../domain/bot-config.js';
import { Decimal } from '../../domain/money.js';

/** the window as the database counts it: the latest `lookback` (or fewer) closed trades */
export interface WinRateWindow {
  trades: number;
  wins: number;
}

export interface WinRateVerdict {
  status: 'off' | 'waiting' | 'ok' | 'below';
  minWinRate: number | null;
  lookback: number;
  trades: number;
  wins: number;
  /** wins / trades rounded to 4 decimals; null before the first trade */
  winRate: number | null;
}

export function judgeWinRate(window: WinRateWindow, settings: Pick<BotSettings, 'minWinRate' | 'minWinRateLookback'>): WinRateVerdict {
  const { minWinRate, minWinRateLookback: lookback } = settings;
  const trades = Math.min(window.trades, lookback);
  const wins = Math.min(window.wins, trades);
  const winRate = trades === 0 ? null : new Decimal(wins).div(trades).toDecimalPlaces(4).toNumber();
  const base = { minWinRate, lookback, trades, wins, winRate };
  if (minWinRate === null) return { status: 'off', ...base };
  if (trades < lookback) return { status: 'waiting', ...base };
  // fail closed: a NaN minimum compares false to everything, so it reads as below
  const ok = new Decimal(wins).gte(new Decimal(minWinRate).times(trades));
  return { status: ok ? 'ok' : 'below', ...base };
}

/** one line a trader understands */
export function describeWinRate(v: WinRateVerdict): string {
  const rate = v.winRate === null ? 'n/a' : `${(v.winRate * 100).toFixed(1)}%`;
  switch (v.status) {
    case 'off': return 'win-rate guard off (minWinRate is null)';
    case 'waiting': return `win-rate guard waiting: ${v.trades} of ${v.lookback} closed trades since the window began`;
    case 'ok': return `win rate ${rate} (${v.wins} of the last ${v.trades} closed trades) is at or above ${v.minWinRate}`;
    case 'below': return `win rate ${rate} (${v.wins} of the last ${v.trades} closed trades) is below the minimum ${v.minWinRate}`;
  }
}
