/**
 * Keel's database as configured: DATABASE_URL, or else the embedded PostgreSQL under the data
 * dir; migrated to the latest frozen migration. One way to open it, for the service and for
 * `keel migrate`. close() ends the pool, then stops the embedded server (in that order).
 */
import { mkdir } from 'node:fs/promises';
import { createDb } from './db.js';
import { startEmbeddedPostgres } from './embedded.js';
import { migrateToLatest } from './migrate.js';
import type { Db } from './schema.js';

export interface OpenedDatabase {
  db: Db;
  /** printable: never contains a password */
  description: string;
  /**
   * the connection URL (DATABASE_URL, or the embedded server's), for a component that needs its own
   * connection to the same database (the writer lease). It carries the password: never log it.
   */
  url: string;
  migrationsApplied: string[];
  /** statements in flight or waiting for a connection */
  busy(): number;
  close(): Promise<void>;
}

export async function openDatabase(opts: {
  databaseUrl: string | null;
  dataDir: string;
  onPoolError?: (error: Error) => void;
}): Promise<OpenedDatabase> {
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
  if (!opts.databaseUrl) {
    await mkdir(opts.dataDir, { recursive: true });
    embedded = await startEmbeddedPostgres({ dataDir: opts.dataDir });
  }
  const url = opts.databaseUrl ?? embedded!.url;
  const { db, close, disconnected, busy } = createDb(url, { onPoolError: opts.onPoolError });
  const closeAll = async () => {
    await close();
    if (!embedded) return;
    await disconnected(); // else the stop terminates connections still closing: an error each
    await embedded.stop();
  };
  try {
    const migrationsApplied = await migrateToLatest(db);
    const description = embedded
      ? [`embedded PostgreSQL, data in ${embedded.pgDir}, port ${embedded.port}`, ...embedded.notes].join('; ')
      : describeUrl(url);
    return { db, description, url, migrationsApplied, busy, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** host, port and database of a URL; never the user's password */
function describeUrl(url: string): string {
  const u = new URL(url);
  return `PostgreSQL at ${u.hostname}:${u.port || '5432'}${u.pathname}`;
}
