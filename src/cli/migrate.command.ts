/**
 * `keel migrate` / `npm run migrate`: applies db/migrations to the configured database
 * (DATABASE_URL, or the embedded PostgreSQL under KEEL_DATA_DIR) and says what it applied.
 * The service runs the same migrations at every start; this is for operators who want it first.
 */
import { mkdir } from 'node:fs/promises';
import { createDb, migrateToLatest, startEmbeddedPostgres } from '../adapters/postgres/index.js';
import { loadConfig } from '../config/config.js';

export async function migrateCommand(env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    console.error(`keel migrate: fix the configuration:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }
  const { databaseUrl, dataDir } = loaded.config;
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
  if (!databaseUrl) {
    await mkdir(dataDir, { recursive: true });
    embedded = await startEmbeddedPostgres({ dataDir });
  }
  const { db, close } = createDb(databaseUrl ?? embedded!.url);
  try {
    const applied = await migrateToLatest(db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
    return 0;
  } finally {
    await close();
    await embedded?.stop();
  }
}
