/**
 * The trading session of an instant from the NYSE calendar (holidays and early closes), in the shape
 * the breaker monitor and the daily reset read: the trading date in New York and whether its regular
 * session is open; null on a weekend or holiday.
 */
import { isRegularSessionOpen, sessionOn } from '../../core/calendar/nyse-calendar.js';
import type { SessionOf } from './breaker-monitor.js';

export const nyseSession: SessionOf = (now) => {
  const s = sessionOn(now);
  return s ? { date: s.date, open: isRegularSessionOpen(now) } : null;
};
