import { describe, expect, it } from 'vitest';
import { forceCloseAtFor } from '../../src/actors/session-close.scheduler.js';
import { tradingDays } from '../../src/core/calendar/nyse-calendar.js';

const calendar = tradingDays('2026-11-20', '2026-12-31');

describe('forceCloseAtFor', () => {
  it('is 15:45 ET on a regular trading day', () => {
    expect(forceCloseAtFor('2026-11-23', calendar)).toBe(Date.parse('2026-11-23T20:45:00Z'));
  });

  it('is 15 minutes before an early close (2026-11-27 closes 13:00 → 12:45 ET)', () => {
    expect(forceCloseAtFor('2026-11-27', calendar)).toBe(Date.parse('2026-11-27T17:45:00Z'));
  });

  it('is null on a holiday (Thanksgiving 2026-11-26) and on a weekend', () => {
    expect(forceCloseAtFor('2026-11-26', calendar)).toBeNull();
    expect(forceCloseAtFor('2026-11-28', calendar)).toBeNull();
  });

  it('follows a configured earlier end-of-day time', () => {
    expect(forceCloseAtFor('2026-11-23', calendar, '15:30')).toBe(Date.parse('2026-11-23T20:30:00Z'));
  });
});
