import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, migrationsDir } from '../../src/adapters/postgres/index.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

/** every forward migration in db/migrations, in order (a new migration is picked up without editing this test) */
const MIGRATIONS = readdirSync(migrationsDir()).filter((f) => /^\d{4}_.+(?<!\.down)\.sql$/.test(f)).map((f) => f.replace(/\.sql$/, '')).sort();

describe('migrateToLatest on real PostgreSQL', () => {
  let t: TestDb | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    t = undefined;
    dir = undefined;
  });

  it('applies every migration to an empty database, records them, and applies nothing the second time', async () => {
    t = await createTestDb({ migrated: false });
    const applied = await migrateToLatest(t.db);
    expect(applied).toEqual(MIGRATIONS);
    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`.execute(t.db);
    expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining([
      'bot_config', 'bot_daily_stats', 'bot_trade', 'event_journal', 'reconciliation_run', 'signal',
    ]));
    const recorded = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(t.db);
    expect(recorded.rows.map((r) => r.name)).toEqual(MIGRATIONS);
    expect(await migrateToLatest(t.db)).toEqual([]);
  });

  it('finds db/migrations from the module location', () => {
    expect(migrationsDir().replaceAll('\\', '/')).toMatch(/\/db\/migrations$/);
  });

  it('throws naming the failing migration and leaves none of it applied', async () => {
    t = await createTestDb({ migrated: false });
    dir = await mkdtemp(join(tmpdir(), 'keel-migrations-'));
    await writeFile(join(dir, '0001_ok.sql'), 'CREATE TABLE a_ok (id int);');
    await writeFile(join(dir, '0002_broken.sql'), 'CREATE TABLE b_half (id int); SELECT no_such_column FROM a_ok;');
    await expect(migrateToLatest(t.db, dir)).rejects.toThrow(/migration 0002_broken failed: .*no_such_column/);
    const half = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('a_ok', 'b_half')`.execute(t.db);
    expect(half.rows[0]?.n).toBe(0);
  });
});
