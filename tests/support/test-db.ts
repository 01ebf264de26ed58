/**
 * A fresh database per test file, cloned from the migrated template of pg-global-setup.ts.
 * Names are random, so files running in parallel forks never share or collide.
 * Use: `const t = await createTestDb()` in beforeAll, `t.truncate()` in beforeEach,
 * `t.close()` in afterAll (drops the database).
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb } from '../../src/adapters/postgres/db.js';
import type { Db } from '../../src/adapters/postgres/schema.js';

export interface TestDb {
  db: Db;
  url: string;
  /** empties every table; bot_config loses its row, so the next load recreates the defaults */
  truncate(): Promise<void>;
  /** closes the pool and drops the database */
  close(): Promise<void>;
}

async function adminQuery(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** `{ migrated: false }` gives an EMPTY database (for migration tests) */
export async function createTestDb(options: { migrated?: boolean } = {}): Promise<TestDb> {
  const adminUrl = inject('pgAdminUrl');
  const name = `keel_t_${randomBytes(6).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : 'keel_template';
  await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const { db, close } = createDb(url, { max: 5, onPoolError: () => undefined });
  return {
    db,
    url,
    async truncate() {
      // TRUNCATE bypasses the journal's UPDATE/DELETE trigger on purpose; one statement = one lock order
      await sql`TRUNCATE signal, bot_trade, bot_daily_stats, event_journal, reconciliation_run, bot_config, equity_snapshot RESTART IDENTITY`.execute(db);
    },
    async close() {
      await close();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
