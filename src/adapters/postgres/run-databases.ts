/**
 * Throwaway databases for backtests: one embedded PostgreSQL server (its data under `dataDir`,
 * fsync off: nothing here must survive a crash), a template migrated to the latest migration at
 * each start, and one fresh database per run cloned from it (CREATE DATABASE … TEMPLATE: a copy of
 * files, not a migration per run). A run never sees Keel's own database, paper or live.
 * Invariants: clones are created one at a time (PostgreSQL refuses a clone while anyone is
 * connected to the template, and the template allows no connection after it is migrated); a
 * dropped clone is dropped WITH (FORCE); stop() drops what is left, then stops the server.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb } from './db.js';
import { startEmbeddedPostgres } from './embedded.js';
import { migrateToLatest } from './migrate.js';
import { SerialQueue } from '../../lib/serial-queue.js';

const TEMPLATE = 'keel_backtest_template';

export interface RunDatabase {
  /** carries the password: never log it */
  url: string;
  name: string;
  drop(): Promise<void>;
}

export interface RunDatabases {
  create(): Promise<RunDatabase>;
  stop(): Promise<void>;
}

/** the statements in order on one connection; the last one's row count */
async function admin(url: string, statements: string[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    let rows = 0;
    for (const statement of statements) rows = (await client.query(statement)).rowCount ?? 0;
    return rows;
  } finally {
    await client.end();
  }
}

export async function startRunDatabases(dataDir: string): Promise<RunDatabases> {
  const server = await startEmbeddedPostgres({ dataDir, durable: false, database: 'postgres' });
  const adminUrl = server.adminUrl;
  const withDb = (name: string) => {
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const queue = new SerialQueue();
  const live = new Set<string>();
  try {
    // a template left by an earlier run is replaced: it may be of an older migration
    if (await admin(adminUrl, [`SELECT 1 FROM pg_database WHERE datname = '${TEMPLATE}'`]) > 0) await admin(adminUrl, [`ALTER DATABASE ${TEMPLATE} WITH IS_TEMPLATE false ALLOW_CONNECTIONS true`, `DROP DATABASE ${TEMPLATE} WITH (FORCE)`]);
    await admin(adminUrl, [`CREATE DATABASE ${TEMPLATE}`]);
    const { db, close } = createDb(withDb(TEMPLATE), { max: 1 });
    try {
      await migrateToLatest(db);
    } finally {
      await close();
    }
    await admin(adminUrl, [`ALTER DATABASE ${TEMPLATE} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`]);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const drop = (name: string) => queue.run(async () => {
    if (!live.delete(name)) return;
    await admin(adminUrl, [`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`]);
  });
  return {
    create: () => queue.run(async () => {
      const name = `keel_run_${randomBytes(6).toString('hex')}`;
      await admin(adminUrl, [`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`]);
      live.add(name);
      return { name, url: withDb(name), drop: () => drop(name) };
    }),
    async stop() {
      for (const name of [...live]) await drop(name).catch(() => undefined);
      await server.stop();
    },
  };
}
