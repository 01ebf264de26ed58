/**
 * vitest globalSetup: ONE PostgreSQL per test run. Embedded (temp dir, durable: false) unless
 * KEEL_TEST_DATABASE_URL names a server to use (e.g. the one `.ci/run` starts). Migrates a
 * template database `keel_template` once; each test file clones it (tests/support/test-db.ts),
 * which takes milliseconds instead of re-running migrations per file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../src/adapters/postgres/db.js';
import { startEmbeddedPostgres } from '../../src/adapters/postgres/embedded.js';
import { migrateToLatest } from '../../src/adapters/postgres/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** a superuser URL of the test server's maintenance database (CREATE/DROP DATABASE) */
    pgAdminUrl: string;
  }
}

export const TEMPLATE_DB = 'keel_template';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin(url: string, statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

async function buildTemplate(adminUrl: string): Promise<void> {
  // an external server may hold a template from an older schema: rebuild it every run
  await admin(adminUrl, [
    `ALTER DATABASE ${TEMPLATE_DB} IS_TEMPLATE false`,
  ]).catch(() => undefined); // absent on a fresh server
  await admin(adminUrl, [`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`, `CREATE DATABASE ${TEMPLATE_DB}`]);
  const { db, close } = createDb(withDatabase(adminUrl, TEMPLATE_DB), { max: 1 });
  try {
    await migrateToLatest(db);
  } finally {
    await close();
  }
  // no connections allowed: CREATE DATABASE … TEMPLATE fails while anyone is connected to it
  await admin(adminUrl, [`ALTER DATABASE ${TEMPLATE_DB} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`]);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env['KEEL_TEST_DATABASE_URL'];
  if (external) {
    const adminUrl = withDatabase(external, 'postgres');
    await buildTemplate(adminUrl);
    project.provide('pgAdminUrl', adminUrl);
    return async () => undefined;
  }
  const dir = await mkdtemp(join(tmpdir(), 'keel-test-pg-'));
  const server = await startEmbeddedPostgres({ dataDir: dir, durable: false });
  try {
    await buildTemplate(server.adminUrl);
  } catch (err) {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  project.provide('pgAdminUrl', server.adminUrl);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
