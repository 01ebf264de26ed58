/**
 * Query-date helpers on top of domain/market-time.ts (the one module holding New York time
 * rules): calendar and bars defaults are New York days, and `ms` always comes from the Clock.
 */
import { etDate, etWallToEpoch, isDateString } from '../../../domain/market-time.js';
import { parseTimestamp } from '../../../domain/time.js';

export { addDays, etDate } from '../../../domain/market-time.js';

/** epoch ms of New York midnight on the day containing `ms` */
export function etMidnight(ms: number): number {
  return etWallToEpoch(etDate(ms), 0);
}

/** a query date (YYYY-MM-DD or RFC 3339) as a New York YYYY-MM-DD; null when unparseable */
export function queryDateToEt(text: string): string | null {
  const ms = parseTimestamp(text);
  if (ms === null) return null;
  return isDateString(text) ? text : etDate(ms);
}
