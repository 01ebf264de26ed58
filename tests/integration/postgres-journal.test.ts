import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/money.js';
import { appendJournal, listJournal } from '../../src/adapters/postgres/index.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const T0 = Date.UTC(2026, 10, 23, 14, 30);

describe('event journal on real PostgreSQL', () => {
  let t: TestDb;
  beforeAll(async () => { t = await createTestDb(); });
  beforeEach(async () => { await t.truncate(); });
  afterAll(async () => { await t.close(); });

  it('appends entries with clock time and lists them oldest first, filtered by kind and id', async () => {
    const first = await appendJournal(t.db, { kind: 'state_transition', cause: 'api', message: 'stopped → running',
      data: { from: 'stopped', to: 'running' } }, T0);
    const second = await appendJournal(t.db, { kind: 'order_submitted', cause: 'executor', subject: 'ABCD',
      message: 'buy 10 ABCD', data: { qty: new Decimal('10.5'), legs: [1, 2] } }, T0 + 1);
    const third = await appendJournal(t.db, { kind: 'state_transition', cause: 'api', message: 'running → paused' }, T0 + 2);

    expect(first).toMatchObject({ kind: 'state_transition', cause: 'api', subject: null, at: T0, data: { to: 'running' } });
    expect(second.data).toEqual({ qty: '10.5', legs: [1, 2] });
    expect(third.data).toEqual({});
    expect((await listJournal(t.db, {})).map((e) => e.id)).toEqual([first.id, second.id, third.id]);
    expect((await listJournal(t.db, { kinds: ['state_transition'] })).map((e) => e.id)).toEqual([first.id, third.id]);
    expect((await listJournal(t.db, { afterId: first.id, limit: 1 })).map((e) => e.id)).toEqual([second.id]);
    expect(await listJournal(t.db, { kinds: [] })).toEqual([]);
  });

  it('refuses UPDATE and DELETE, even of rows that do not exist', async () => {
    const entry = await appendJournal(t.db, { kind: 'warning', cause: 'test', message: 'keep me' }, T0);
    await expect(sql`UPDATE event_journal SET message = 'edited' WHERE id = ${entry.id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM event_journal WHERE id = ${entry.id}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM event_journal WHERE id = -1`.execute(t.db)).rejects.toThrow(/append-only/);
    expect((await listJournal(t.db, {}))[0]?.message).toBe('keep me');
  });
});
