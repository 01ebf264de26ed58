/** Which equity row an instant calls for, by the NYSE calendar (pure). */
import { describe, expect, it } from 'vitest';
import { snapshotPlan } from '../../src/control/jobs/equity-snapshot-job.js';

const at = (iso: string) => Date.parse(iso);

describe('equity snapshot plan', () => {
  it('asks for minute rows from the open until the bell, then the closing row a minute after it', () => {
    expect(snapshotPlan(at('2026-11-23T14:29:00Z'), null)).toEqual({ why: 'market_closed' }); // 09:29 New York
    expect(snapshotPlan(at('2026-11-23T14:30:00Z'), null)).toEqual({ row: 'minute', sessionDate: '2026-11-23' });
    expect(snapshotPlan(at('2026-11-23T20:59:00Z'), null)).toEqual({ row: 'minute', sessionDate: '2026-11-23' });
    expect(snapshotPlan(at('2026-11-23T21:00:00Z'), null)).toEqual({ why: 'market_closed' }); // the bell
    expect(snapshotPlan(at('2026-11-23T21:01:00Z'), null)).toEqual({ row: 'close', sessionDate: '2026-11-23' });
    expect(snapshotPlan(at('2026-11-24T04:59:00Z'), null)).toEqual({ row: 'close', sessionDate: '2026-11-23' }); // 23:59 New York
  });

  it('asks for no second closing row once the date has one', () => {
    expect(snapshotPlan(at('2026-11-23T21:02:00Z'), '2026-11-23')).toEqual({ why: 'close_done' });
    expect(snapshotPlan(at('2026-11-24T21:01:00Z'), '2026-11-23')).toEqual({ row: 'close', sessionDate: '2026-11-24' });
  });

  it('closes at 13:00 on an early-close day (the day after Thanksgiving)', () => {
    expect(snapshotPlan(at('2026-11-27T17:59:00Z'), null)).toEqual({ row: 'minute', sessionDate: '2026-11-27' });
    expect(snapshotPlan(at('2026-11-27T18:00:30Z'), null)).toEqual({ why: 'market_closed' });
    expect(snapshotPlan(at('2026-11-27T18:01:00Z'), null)).toEqual({ row: 'close', sessionDate: '2026-11-27' });
  });

  it('asks for nothing on a weekend or a holiday', () => {
    expect(snapshotPlan(at('2026-11-28T16:00:00Z'), null)).toEqual({ why: 'no_session' }); // Saturday
    expect(snapshotPlan(at('2026-11-26T16:00:00Z'), null)).toEqual({ why: 'no_session' }); // Thanksgiving
  });
});
