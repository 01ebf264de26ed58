/**
 * The Journal view's day filter: a picked day is New York's whole day, on the days the clocks
 * change too (the change happens at 02:00, so a day's start and end can have different offsets).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/web/journal-format.js');
const load = async () => (await import(pathToFileURL(FILE).href)) as { nyDayBound(day: string, end: boolean): string };

describe('nyDayBound', () => {
  it('is midnight to the last millisecond of the day in New York, winter and summer', async () => {
    const { nyDayBound } = await load();
    expect(nyDayBound('2026-12-01', false)).toBe('2026-12-01T00:00:00-05:00');
    expect(nyDayBound('2026-12-01', true)).toBe('2026-12-01T23:59:59.999-05:00');
    expect(nyDayBound('2026-07-01', false)).toBe('2026-07-01T00:00:00-04:00');
    expect(nyDayBound('2026-07-01', true)).toBe('2026-07-01T23:59:59.999-04:00');
  });

  it('takes each bound\'s own offset on the days the clocks change', async () => {
    const { nyDayBound } = await load();
    // 2026-03-08: EST until 02:00, EDT after
    expect(nyDayBound('2026-03-08', false)).toBe('2026-03-08T00:00:00-05:00');
    expect(nyDayBound('2026-03-08', true)).toBe('2026-03-08T23:59:59.999-04:00');
    // 2026-11-01: EDT until 02:00, EST after
    expect(nyDayBound('2026-11-01', false)).toBe('2026-11-01T00:00:00-04:00');
    expect(nyDayBound('2026-11-01', true)).toBe('2026-11-01T23:59:59.999-05:00');
  });
});
