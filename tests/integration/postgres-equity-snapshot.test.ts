/** equity_snapshot repository on real PostgreSQL: modes kept apart, one closing row per mode and date, bad rows refused whole. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { insertEquitySnapshot, listEquitySnapshots } from '../../src/adapters/postgres/equity-snapshot.repo.js';
import type { EquitySnapshot } from '../../src/domain/equity-snapshot.js';
import { dec } from '../../src/domain/money.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const T0 = Date.UTC(2026, 10, 23, 15, 0);
const DAY = '2026-11-23';

const row = (overrides: Partial<EquitySnapshot> = {}): EquitySnapshot => ({
  mode: 'paper', at: T0, kind: 'minute', sessionDate: DAY, equity: dec('100123.45'), cash: dec('90000.1'),
  longMarketValue: dec('10123.35'), unrealizedPnl: dec('-12.5'), realizedPnlToday: dec('40.25'), openPositions: 2, ...overrides,
});

describe('equity_snapshot repository on real PostgreSQL', () => {
  let t: TestDb;
  beforeAll(async () => { t = await createTestDb(); });
  beforeEach(async () => { await t.truncate(); });
  afterAll(async () => { await t.close(); });

  it('keeps the per-day summary in step with the snapshots, a TRUNCATE included (it fires no DELETE trigger)', async () => {
    await insertEquitySnapshot(t.db, row());
    const days = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM equity_day`.execute(t.db)).rows[0]!.n);
    expect(await days()).toBe(1);
    await sql`TRUNCATE equity_snapshot`.execute(t.db);
    expect(await days()).toBe(0);
  });

  it('stores a row exactly and lists one mode in [from, to), oldest first', async () => {
    for (const at of [T0 + 120_000, T0, T0 + 60_000]) expect(await insertEquitySnapshot(t.db, row({ at }))).toBe(true);
    expect(await insertEquitySnapshot(t.db, row({ mode: 'live', at: T0 + 60_000, equity: dec(5) }))).toBe(true);

    const paper = await listEquitySnapshots(t.db, { mode: 'paper', from: T0 + 60_000, to: T0 + 120_000 });
    expect(paper).toHaveLength(1);
    expect(paper[0]).toMatchObject({ mode: 'paper', at: T0 + 60_000, kind: 'minute', sessionDate: DAY, openPositions: 2 });
    expect(paper[0]?.equity.toFixed()).toBe('100123.45');
    expect(paper[0]?.unrealizedPnl.toFixed()).toBe('-12.5');
    expect((await listEquitySnapshots(t.db, { mode: 'paper' })).map((r) => r.at)).toEqual([T0, T0 + 60_000, T0 + 120_000]);
    const live = await listEquitySnapshots(t.db, { mode: 'live' });
    expect(live.map((r) => [r.mode, r.equity.toFixed()])).toEqual([['live', '5']]);
  });

  it('keeps the first closing row of a mode and date: a second close writes nothing and says so', async () => {
    expect(await insertEquitySnapshot(t.db, row({ kind: 'close', at: T0, equity: dec(100) }))).toBe(true);
    expect(await insertEquitySnapshot(t.db, row({ kind: 'close', at: T0 + 60_000, equity: dec(200) }))).toBe(false);
    // the other mode has its own closing row
    expect(await insertEquitySnapshot(t.db, row({ mode: 'live', kind: 'close', at: T0 + 60_000 }))).toBe(true);
    const closes = await listEquitySnapshots(t.db, { mode: 'paper', kind: 'close' });
    expect(closes.map((r) => [r.at, r.equity.toFixed()])).toEqual([[T0, '100']]);
  });

  it('refuses a row with bad fields, listing every problem, and writes nothing', async () => {
    const bad = row({ sessionDate: '23/11/2026', equity: dec(NaN), openPositions: -1 });
    const error = await insertEquitySnapshot(t.db, bad).then(() => null, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/sessionDate/);
    expect(error?.message).toMatch(/equity/);
    expect(error?.message).toMatch(/openPositions/);
    expect(await listEquitySnapshots(t.db, { mode: 'paper' })).toEqual([]);
  });
});
