/**
 * Several read-only statements side by side on separate pool connections, all seeing ONE snapshot
 * of the database: the first transaction (REPEATABLE READ) exports its snapshot, the others import
 * it (SET TRANSACTION SNAPSHOT) before their first read, so the answer describes one moment even
 * though its parts run concurrently.
 * Invariants:
 *  - the exporting transaction stays open until every other one has imported or failed to (a
 *    snapshot can be imported only while its exporter is open);
 *  - one batch at a time per Db: a batch holds one connection while waiting for the others, so two
 *    batches could otherwise each hold part of a small pool and wait for each other forever. The
 *    pool needs at least as many connections as the largest batch (the analytics use 4; the pool
 *    has 10 by default).
 */
import { sql } from 'kysely';
import type { Db, DbOrTrx } from './schema.js';

export type SnapshotWork<T> = (trx: DbOrTrx) => Promise<T>;

const running = new WeakMap<Db, Promise<unknown>>();

/** sorts of a year of rows fit in memory instead of spilling to disk */
const WORK_MEM = sql`SET LOCAL work_mem = '64MB'`;

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void, reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

async function batch(db: Db, works: ReadonlyArray<SnapshotWork<unknown>>): Promise<unknown[]> {
  const snapshot = deferred<string>();
  snapshot.promise.catch(() => undefined); // observed by the importers; never an unhandled rejection
  const imports = works.slice(1).map(() => deferred<void>());
  const first = db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    try {
      const { rows } = await sql<{ id: string }>`SELECT pg_export_snapshot() AS id`.execute(trx);
      snapshot.resolve(rows[0]!.id);
      await WORK_MEM.execute(trx);
      return await works[0]!(trx);
    } catch (err) {
      snapshot.reject(err); // before the wait below: importers still waiting for the id give up
      throw err;
    } finally {
      await Promise.all(imports.map((i) => i.promise));
    }
  }).catch((err: unknown) => { snapshot.reject(err); throw err; });
  const others = works.slice(1).map(async (work, i) => {
    try {
      const id = await snapshot.promise;
      return await db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
        try {
          await sql`SET TRANSACTION SNAPSHOT ${sql.lit(id)}`.execute(trx);
        } finally {
          imports[i]!.resolve();
        }
        await WORK_MEM.execute(trx);
        return work(trx);
      });
    } finally {
      imports[i]!.resolve();
    }
  });
  return Promise.all([first, ...others]);
}

/** one transaction of reads on one connection (REPEATABLE READ: its statements see one moment) */
export function inOneSnapshot<T>(db: Db, work: SnapshotWork<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    await WORK_MEM.execute(trx);
    return work(trx);
  });
}

/** runs the works concurrently in one snapshot; their results in the same order */
export function inSharedSnapshot<T extends unknown[]>(db: Db, works: { [K in keyof T]: SnapshotWork<T[K]> }): Promise<T> {
  const previous = running.get(db) ?? Promise.resolve();
  const mine = previous.catch(() => undefined).then(() => batch(db, works as ReadonlyArray<SnapshotWork<unknown>>));
  running.set(db, mine.catch(() => undefined));
  return mine as Promise<T>;
}
