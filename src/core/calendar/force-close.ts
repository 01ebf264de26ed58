/**
 * The day's forced close of every open position: the configured ET wall time (15:45 by default),
 * but never later than 15 minutes before the session's close, so an early-close day (13:00) still
 * leaves the exits a quarter of an hour. Pure: the session scheduler and the status both use it.
 */
import { etDate, etWallToEpoch, parseHhMm } from '../../domain/market-time.js';
import type { EpochMs } from '../../domain/time.js';

export const FORCE_CLOSE_BEFORE_CLOSE_MS = 15 * 60_000;

/** `date` the session's ET date, `sessionClose` its close, `eodTime` 'HH:MM' ET */
export function forceCloseAtOn(date: string, sessionClose: EpochMs, eodTime = '15:45'): EpochMs {
  return Math.min(etWallToEpoch(date, ...parseHhMm(eodTime)), sessionClose - FORCE_CLOSE_BEFORE_CLOSE_MS);
}

/** today's forced close while the market is open, from the broker clock's session close; null otherwise */
export function forceCloseWhileOpen(open: boolean | null, sessionClose: EpochMs | null, eodTime: string): EpochMs | null {
  return open === true && sessionClose !== null ? forceCloseAtOn(etDate(sessionClose), sessionClose, eodTime) : null;
}
