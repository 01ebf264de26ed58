/**
 * Applies db/migrations/NNNN_name.sql in name order with Kysely's Migrator (which takes a lock and
 * runs the pending batch inside a transaction on PostgreSQL, so a failing migration leaves nothing
 * half-applied). Our own provider reads the .sql files, which works under tsx, vitest and node
 * alike (Kysely's FileMigrationProvider import()s .ts files and fails under vitest, gotcha 4).
 * Migrations are frozen once landed; `NNNN_name.down.sql`, when present, is the down step.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './schema.js';
import { errorText } from '../../lib/error-text.js';

/** db/migrations, found by walking up from this module (src/… under tsx/vitest, dist/… when built) */
export function migrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'db', 'migrations');
    if (existsSync(candidate)) return candidate;
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error('db/migrations not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

function sqlMigration(upFile: string, downFile: string | null): Migration {
  const run = async (file: string, db: Kysely<unknown>): Promise<void> => {
    // no parameters → pg's simple query protocol, which accepts many statements in one string
    await sql.raw(await readFile(file, 'utf8')).execute(db);
  };
  return {
    up: (db) => run(upFile, db),
    ...(downFile ? { down: (db: Kysely<unknown>) => run(downFile, db) } : {}),
  };
}

export class SqlFileMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string = migrationsDir()) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = new Set(await readdir(this.dir));
    const migrations: Record<string, Migration> = {};
    for (const file of [...files].sort()) {
      if (!file.endsWith('.sql') || file.endsWith('.down.sql')) continue;
      const name = file.slice(0, -'.sql'.length);
      const down = `${name}.down.sql`;
      migrations[name] = sqlMigration(join(this.dir, file), files.has(down) ? join(this.dir, down) : null);
    }
    return migrations;
  }
}

export function createMigrator(db: Db, dir?: string): Migrator {
  return new Migrator({ db, provider: new SqlFileMigrationProvider(dir) });
}

/** migrates to the newest migration; returns the names applied by this call ([] when up to date) */
export async function migrateToLatest(db: Db, dir?: string): Promise<string[]> {
  const { error, results = [] } = await createMigrator(db, dir).migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName ?? '(before any migration ran)';
    const reason = errorText(error);
    throw new Error(`migration ${failed} failed: ${reason}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
