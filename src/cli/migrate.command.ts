/**
 * `keel migrate` / `npm run migrate`: applies db/migrations to the configured database
 * (DATABASE_URL, or the embedded PostgreSQL under KEEL_DATA_DIR) and says what it applied.
 * The service runs the same migrations at every start; this is for operators who want it first.
 */
import { openDatabase } from '../adapters/postgres/index.js';
import { loadConfig } from '../config/config.js';

export async function migrateCommand(env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const loaded = loadConfig(env);
  if (!loaded.ok) {
    console.error(`keel migrate: fix the configuration:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }
  const { databaseUrl, dataDir } = loaded.config;
  const opened = await openDatabase({ databaseUrl, dataDir });
  console.log(opened.migrationsApplied.length ? `applied: ${opened.migrationsApplied.join(', ')}` : 'database is up to date');
  await opened.close();
  return 0;
}
