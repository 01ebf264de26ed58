import { describe, expect, it } from 'vitest';
import {
  calendarDay, easterSunday, holidaysOf, isTradingDay, marketClockAt, nextTradingDay, tradingDays,
} from '../../src/core/calendar/nyse-calendar.js';

const at = (iso: string) => Date.parse(iso);

describe('nyse calendar', () => {
  it('lists the 2026 NYSE holidays with weekend observance', () => {
    expect([...holidaysOf(2026)].sort()).toEqual([
      '2026-01-01', '2026-01-19', '2026-02-16', '2026-04-03', '2026-05-25', '2026-06-19',
      '2026-07-03', '2026-09-07', '2026-11-26', '2026-12-25',
    ]);
  });

  it('closes on Thanksgiving 2026 and closes early at 13:00 the day after', () => {
    expect(isTradingDay('2026-11-26')).toBe(false);
    expect(calendarDay('2026-11-27')).toEqual({
      date: '2026-11-27', open: '09:30', close: '13:00', sessionOpen: '0400', sessionClose: '1700', settlementDate: '2026-11-30',
    });
  });

  it('closes on Good Friday 2026-04-03 (Easter 2026-04-05)', () => {
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(isTradingDay('2026-04-03')).toBe(false);
  });

  it('observes Juneteenth from 2022 only, moved off weekends', () => {
    expect(isTradingDay('2021-06-18')).toBe(true);
    expect(isTradingDay('2022-06-20')).toBe(false); // Sunday 19th observed Monday
    expect(isTradingDay('2026-06-19')).toBe(false);
    expect(isTradingDay('2027-06-18')).toBe(false); // Saturday 19th observed Friday
  });

  it('observes Independence Day on Friday July 3 2026 with no early close that week', () => {
    expect(isTradingDay('2026-07-03')).toBe(false);
    expect(calendarDay('2026-07-02')?.close).toBe('16:00');
  });

  it('closes early on July 3 and Dec 24 when they are trading days', () => {
    expect(calendarDay('2025-07-03')?.close).toBe('13:00');
    expect(calendarDay('2025-12-24')?.close).toBe('13:00');
    expect(calendarDay('2026-12-24')?.close).toBe('13:00');
    expect(isTradingDay('2027-12-24')).toBe(false); // Christmas on Saturday observed Friday 24th
  });

  it('does not observe a Saturday New Year on the Friday before', () => {
    expect(isTradingDay('2021-12-31')).toBe(true);
    expect(isTradingDay('2023-01-02')).toBe(false); // Sunday Jan 1 observed Monday
  });

  it('lists only trading days with the next trading day as settlement date', () => {
    const days = tradingDays('2026-11-25', '2026-11-30');
    expect(days.map((d) => [d.date, d.close, d.settlementDate])).toEqual([
      ['2026-11-25', '16:00', '2026-11-27'], ['2026-11-27', '13:00', '2026-11-30'], ['2026-11-30', '16:00', '2026-12-01'],
    ]);
    expect(nextTradingDay('2026-12-24')).toBe('2026-12-28');
  });

  it('answers the market clock open mid-session with today close and tomorrow open', () => {
    expect(marketClockAt(at('2026-11-23T15:00:00Z'))).toEqual({
      isOpen: true, nextOpen: at('2026-11-24T14:30:00Z'), nextClose: at('2026-11-23T21:00:00Z'),
    });
  });

  it('answers the market clock closed before Thanksgiving with the early-close session next', () => {
    expect(marketClockAt(at('2026-11-25T22:00:00Z'))).toEqual({
      isOpen: false, nextOpen: at('2026-11-27T14:30:00Z'), nextClose: at('2026-11-27T18:00:00Z'),
    });
  });

  it('treats the close instant as closed and the open instant as open', () => {
    expect(marketClockAt(at('2026-11-23T21:00:00Z')).isOpen).toBe(false);
    expect(marketClockAt(at('2026-11-23T14:30:00Z')).isOpen).toBe(true);
  });
});
