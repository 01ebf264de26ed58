import { describe, expect, it } from 'vitest';
import {
  addDays, etCompactStamp, etOffsetMs, etParts, etWallToEpoch, toEtIso, weekdayOf,
} from '../../src/domain/market-time.js';

const H = 3_600_000;

describe('market-time', () => {
  it('reads ET wall-clock parts of an instant in summer (EDT) and winter (EST)', () => {
    expect(etParts(Date.parse('2026-07-01T13:30:00Z'))).toMatchObject({ date: '2026-07-01', hour: 9, minute: 30, weekday: 3 });
    expect(etParts(Date.parse('2026-11-23T14:30:00Z'))).toMatchObject({ date: '2026-11-23', hour: 9, minute: 30, weekday: 1 });
  });

  it('puts 03:59Z on the previous ET date in winter', () => {
    expect(etParts(Date.parse('2026-11-24T03:59:00Z')).date).toBe('2026-11-23');
  });

  it('converts ET wall-clock to epoch ms on both sides of DST', () => {
    expect(etWallToEpoch('2026-03-06', 9, 30)).toBe(Date.parse('2026-03-06T14:30:00Z'));
    expect(etWallToEpoch('2026-03-09', 9, 30)).toBe(Date.parse('2026-03-09T13:30:00Z'));
    expect(etWallToEpoch('2026-10-30', 16, 0)).toBe(Date.parse('2026-10-30T20:00:00Z'));
    expect(etWallToEpoch('2026-11-02', 16, 0)).toBe(Date.parse('2026-11-02T21:00:00Z'));
  });

  it('handles the DST switch nights (spring-forward 2026-03-08, fall-back 2026-11-01)', () => {
    expect(etWallToEpoch('2026-03-08', 0, 0)).toBe(Date.parse('2026-03-08T05:00:00Z'));
    expect(etWallToEpoch('2026-03-08', 4, 0)).toBe(Date.parse('2026-03-08T08:00:00Z'));
    // the repeated 01:30 resolves to the first (EDT) occurrence
    expect(etWallToEpoch('2026-11-01', 1, 30)).toBe(Date.parse('2026-11-01T05:30:00Z'));
    expect(etWallToEpoch('2026-11-01', 4, 0)).toBe(Date.parse('2026-11-01T09:00:00Z'));
  });

  it('reports the UTC offset in effect at an instant', () => {
    expect(etOffsetMs(Date.parse('2026-11-01T05:59:59Z'))).toBe(-4 * H);
    expect(etOffsetMs(Date.parse('2026-11-01T06:00:00Z'))).toBe(-5 * H);
    expect(etOffsetMs(Date.parse('2026-03-08T06:59:59Z'))).toBe(-5 * H);
    expect(etOffsetMs(Date.parse('2026-03-08T07:00:00Z'))).toBe(-4 * H);
  });

  it('renders RFC 3339 with the ET offset as /v2/clock does', () => {
    expect(toEtIso(Date.parse('2025-06-24T18:15:22Z'))).toBe('2025-06-24T14:15:22-04:00');
    expect(toEtIso(Date.parse('2026-11-23T14:30:00Z'))).toBe('2026-11-23T09:30:00-05:00');
  });

  it('builds the ET activity-id stamp seen in Alpaca fixtures', () => {
    expect(etCompactStamp(Date.parse('2022-02-02T18:55:09.981Z'))).toBe('20220202135509981');
  });

  it('does day arithmetic across month, year and leap-day boundaries', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(weekdayOf('2026-11-26')).toBe(4);
  });
});
