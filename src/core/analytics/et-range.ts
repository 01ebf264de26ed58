/**
 * ET dates as instants: a range of New York dates [from, to] (inclusive) is the half-open interval
 * [from 00:00 ET, the day after `to` 00:00 ET). Filtering on instants lets the database use its
 * (mode, exit_at) and (mode, at) indexes instead of computing a date per row.
 */
import { addDays, etWallToEpoch } from '../../domain/market-time.js';
import type { EpochMs } from '../../domain/time.js';

export interface InstantRange {
  /** inclusive */
  start: EpochMs;
  /** exclusive */
  end: EpochMs;
}

export function etDateRange(from: string, to: string): InstantRange {
  return { start: etWallToEpoch(from, 0), end: etWallToEpoch(addDays(to, 1), 0) };
}

export const inRange = (t: EpochMs, r: InstantRange): boolean => t >= r.start && t < r.end;
