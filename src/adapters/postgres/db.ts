/**
 * Kysely over a pg Pool. pg's own defaults are kept for numeric (exact string → Decimal in the
 * mappers); `date` is kept as its 'YYYY-MM-DD' text, because pg's default turns it into a Date at
 * local midnight, which shifts the trading date on a non-UTC machine.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database, Db } from './schema.js';

const DATE_OID = 1082;

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID) return (value: string) => value;
    // pg's typings overload on the format; the text parser is all the dialect uses
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

export interface DbHandle {
  db: Db;
  close(): Promise<void>;
  /**
   * resolves once every connection the pool opened has closed. After close(), before stopping a
   * server on this machine; not for a remote one (a dead network never closes a socket).
   */
  disconnected(): Promise<void>;
  /** statements in flight or waiting for a connection (a backtest advances time only at 0) */
  busy(): number;
}

export interface CreateDbOptions {
  /** pool size (default 10) */
  max?: number;
  /** where idle-client errors go (default: ignored after a note on stderr) */
  onPoolError?: (err: Error) => void;
}

export function createDb(url: string, options: CreateDbOptions = {}): DbHandle {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types });
  // An idle client dies when the server restarts or stops (57P01). Unhandled, that 'error' event
  // crashes the process (node-postgres emits 'error' on an idle pooled client whose connection dies); the next query simply gets a new connection.
  const onError = options.onPoolError ?? ((err: Error) => {
    process.stderr.write(`keel: postgres connection error: ${err.message}\n`);
  });
  pool.on('error', onError);
  // A client that is checked out (or already released by pool.end() while its socket is still
  // closing) emits 'error' on itself, not on the pool: without a listener the process dies when
  // the server goes away at shutdown. Its query still rejects, so nothing is silently lost.
  // pool.end() resolves once it has ASKED every client to end, not once their connections are
  // closed: a server stopped right after would still terminate them, each an error
  const connections = new Set<Promise<void>>();
  pool.on('connect', (client) => {
    client.on('error', onError);
    const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
    connections.add(ended);
    void ended.then(() => connections.delete(ended));
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closing: Promise<void> | undefined;
  return {
    db,
    close() {
      // destroy() ends the pool; calling close twice must not end it twice
      closing ??= db.destroy();
      return closing;
    },
    busy: () => pool.totalCount - pool.idleCount + pool.waitingCount,
    async disconnected() {
      await Promise.all(connections);
    },
  };
}

/** one round trip to the server (health checks): resolves when it answered, rejects when it could not */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
