/**
 * NYSE trading calendar (pure: a function of the date only, no clock reads).
 * Invariants:
 *  - holidays: New Year, MLK (3rd Mon Jan), Presidents (3rd Mon Feb), Good Friday, Memorial
 *    (last Mon May), Juneteenth (from 2022), Independence, Labor (1st Mon Sep), Thanksgiving
 *    (4th Thu Nov), Christmas. A Saturday holiday is observed the Friday before, a Sunday one the
 *    Monday after — except New Year's Day on a Saturday, which is NOT observed on Dec 31 (NYSE rule).
 *  - early 13:00 closes: July 3 (when it is a trading day, i.e. Mon–Thu), the day after
 *    Thanksgiving, Dec 24 (when a trading day). Extended session then ends 17:00.
 *  - one-off closures (national days of mourning, 9/11, Sandy) are not modelled.
 */
import type { CalendarDay } from '../../domain/account.js';
import type { EpochMs } from '../../domain/time.js';
import {
  addDays, etDate, etWallToEpoch, formatDate, parseDate, parseHhMm, weekdayOf,
} from '../../domain/market-time.js';

const cache = new Map<number, Set<string>>();

/** date of the n-th given weekday of a month (n = -1: the last one) */
function nthWeekday(year: number, month: number, weekday: number, n: number): string {
  if (n > 0) {
    const first = formatDate(year, month, 1);
    const delta = (weekday - weekdayOf(first) + 7) % 7;
    return addDays(first, delta + (n - 1) * 7);
  }
  const last = addDays(formatDate(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1), -1);
  return addDays(last, -((weekdayOf(last) - weekday + 7) % 7));
}

/** Gregorian Easter Sunday (anonymous Gregorian algorithm) */
export function easterSunday(year: number): string {
  const a = year % 19, b = Math.floor(year / 100), c = year % 100;
  const d = Math.floor(b / 4), e = b % 4, f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30, i = Math.floor(c / 4), k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31), day = ((h + l - 7 * m + 114) % 31) + 1;
  return formatDate(year, month, day);
}

/** Saturday → Friday before, Sunday → Monday after */
function observed(date: string): string {
  const wd = weekdayOf(date);
  return wd === 6 ? addDays(date, -1) : wd === 0 ? addDays(date, 1) : date;
}

export function holidaysOf(year: number): Set<string> {
  const hit = cache.get(year);
  if (hit) return hit;
  const newYear = formatDate(year, 1, 1);
  const days = [
    weekdayOf(newYear) === 6 ? null : observed(newYear),
    nthWeekday(year, 1, 1, 3), nthWeekday(year, 2, 1, 3), addDays(easterSunday(year), -2),
    nthWeekday(year, 5, 1, -1), year >= 2022 ? observed(formatDate(year, 6, 19)) : null,
    observed(formatDate(year, 7, 4)), nthWeekday(year, 9, 1, 1), nthWeekday(year, 11, 4, 4),
    observed(formatDate(year, 12, 25)),
  ];
  const set = new Set(days.filter((d): d is string => d !== null));
  cache.set(year, set);
  return set;
}

export function isHoliday(date: string): boolean {
  return holidaysOf(parseDate(date).year).has(date);
}

export function isTradingDay(date: string): boolean {
  const wd = weekdayOf(date);
  return wd !== 0 && wd !== 6 && !isHoliday(date);
}

export function isEarlyClose(date: string): boolean {
  if (!isTradingDay(date)) return false;
  const { year, month, day } = parseDate(date);
  if (month === 7 && day === 3) return true;
  if (month === 12 && day === 24) return true;
  return date === addDays(nthWeekday(year, 11, 4, 4), 1);
}

export function nextTradingDay(date: string): string {
  let d = addDays(date, 1);
  while (!isTradingDay(d)) d = addDays(d, 1);
  return d;
}

export function previousTradingDay(date: string): string {
  let d = addDays(date, -1);
  while (!isTradingDay(d)) d = addDays(d, -1);
  return d;
}

/** the calendar entry of a trading day, or null on weekends and holidays */
export function calendarDay(date: string): CalendarDay | null {
  if (!isTradingDay(date)) return null;
  const early = isEarlyClose(date);
  return {
    date, open: '09:30', close: early ? '13:00' : '16:00', sessionOpen: '0400',
    sessionClose: early ? '1700' : '2000', settlementDate: nextTradingDay(date),
  };
}

/** trading days from start to end inclusive (YYYY-MM-DD) */
export function tradingDays(start: string, end: string): CalendarDay[] {
  const out: CalendarDay[] = [];
  for (let d = start; d <= end; d = addDays(d, 1)) {
    const day = calendarDay(d);
    if (day) out.push(day);
  }
  return out;
}

export interface SessionTimes {
  date: string;
  open: EpochMs;
  close: EpochMs;
  extendedOpen: EpochMs;
  extendedClose: EpochMs;
}

/** per calendar day (the session checks run on every order, tick batch and job) */
const sessionsByDay = new Map<string, SessionTimes>();

export function sessionTimes(day: CalendarDay): SessionTimes {
  const key = `${day.date} ${day.open} ${day.close} ${day.sessionOpen} ${day.sessionClose}`;
  const known = sessionsByDay.get(key);
  if (known) return known;
  const at = (hhmm: string) => etWallToEpoch(day.date, ...parseHhMm(hhmm));
  const times: SessionTimes = Object.freeze({
    date: day.date, open: at(day.open), close: at(day.close),
    extendedOpen: at(day.sessionOpen ?? '0400'), extendedClose: at(day.sessionClose ?? '2000'),
  });
  if (sessionsByDay.size >= 10_000) sessionsByDay.clear();
  sessionsByDay.set(key, times);
  return times;
}

/** the session of t's ET date, if that date is a trading day */
export function sessionOn(t: EpochMs): SessionTimes | null {
  const day = calendarDay(etDate(t));
  return day ? sessionTimes(day) : null;
}

export function isRegularSessionOpen(t: EpochMs): boolean {
  const s = sessionOn(t);
  return s !== null && t >= s.open && t < s.close;
}

export function isExtendedSessionOpen(t: EpochMs): boolean {
  const s = sessionOn(t);
  return s !== null && t >= s.extendedOpen && t < s.extendedClose;
}

/** the first regular session whose close is after t (the current one while open) */
export function nextSessionClosingAfter(t: EpochMs): SessionTimes {
  let date = etDate(t);
  for (;;) {
    const day = calendarDay(date);
    if (day) {
      const s = sessionTimes(day);
      if (s.close > t) return s;
    }
    date = addDays(date, 1);
  }
}

/** Alpaca's /v2/clock semantics: next_open is strictly after t; next_close is the current or next close */
export function marketClockAt(t: EpochMs): { isOpen: boolean; nextOpen: EpochMs; nextClose: EpochMs } {
  const current = nextSessionClosingAfter(t);
  const isOpen = t >= current.open;
  const nextOpen = isOpen ? sessionTimes(calendarDay(nextTradingDay(current.date))!).open : current.open;
  return { isOpen, nextOpen, nextClose: current.close };
}
