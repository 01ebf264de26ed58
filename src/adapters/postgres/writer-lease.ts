/**
 * WriterLease over a PostgreSQL session-level advisory lock.
 * Invariants:
 *  - the lock lives on ONE dedicated pg.Client, never on the Kysely pool: a session lock belongs
 *    to the connection that took it, and a pool would lend that connection to other queries;
 *  - key = pg_try_advisory_lock(LEASE_NAMESPACE, leaseKey(name)): the namespace is 'KEEL' as an
 *    int4, the second half a 32-bit FNV-1a hash of the name. Two names with the same hash share
 *    one lock, which only makes them exclude each other: safe. Advisory locks are per database;
 *  - holding = the session is alive. The client's 'error'/'end', a failed heartbeat (`SELECT 1`
 *    every heartbeatMs) or any query without an answer within queryTimeoutMs of the injected clock
 *    means lost: holds() turns false first, then the listeners hear it once, then the client is
 *    ended (the server frees the lock with the session). A silently dead TCP connection therefore
 *    costs at most heartbeatMs + queryTimeoutMs of false belief;
 *  - a dead client is replaced on the next tryAcquire; acquire, release and close run one at a time.
 */
import pg from 'pg';
import type { Clock } from '../../ports/clock.port.js';
import type { WriterLease } from '../../ports/writer-lease.port.js';
import { errorText } from '../../lib/error-text.js';
import { SerialQueue } from '../../lib/serial-queue.js';

/** 'KEEL' in ASCII, as an int4: the first key of every Keel advisory lock */
export const LEASE_NAMESPACE = 0x4b45454c;

export function leaseName(mode: string, accountKey: string): string {
  return `keel:${mode}:${accountKey}`;
}

/** 32-bit FNV-1a of the name's UTF-8 bytes, as a signed int4 (the second key of the lock) */
export function leaseKey(name: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(name)) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash | 0;
}

export interface PostgresWriterLeaseOptions {
  mode: string;
  /** identifies the broker account: 'sim', or the Alpaca API key id — never the secret */
  accountKey: string;
  /** the same server and database as the pool (a URL contains the password: do not log it) */
  connection: string | pg.ClientConfig;
  clock: Clock;
  warn: (message: string, error?: unknown) => void;
  /** waitUntilAcquired: time between attempts (default 5 s) */
  pollMs?: number;
  /** while held: time between `SELECT 1` probes (default 10 s) */
  heartbeatMs?: number;
  /** a query (or connect) without an answer after this long kills the connection (default 10 s) */
  queryTimeoutMs?: number;
}


export function createPostgresWriterLease(opts: PostgresWriterLeaseOptions): WriterLease {
  const name = leaseName(opts.mode, opts.accountKey);
  const keys = [LEASE_NAMESPACE, leaseKey(name)];
  const pollMs = opts.pollMs ?? 5_000;
  const heartbeatMs = opts.heartbeatMs ?? 10_000;
  const timeoutMs = opts.queryTimeoutMs ?? 10_000;
  /** queries sent and not yet answered or timed out */
  let pending = 0;
  const base = typeof opts.connection === 'string' ? { connectionString: opts.connection } : opts.connection;
  const config: pg.ClientConfig = {
    keepAlive: true, application_name: 'keel writer lease', connectionTimeoutMillis: timeoutMs, ...base,
  };
  const listeners = new Set<(reason: string) => void>();
  let client: pg.Client | null = null;
  let held = false;
  let closed = false;
  let heartbeat: AbortController | null = null;
  const queue = new SerialQueue();

  const serial = <T>(fn: () => Promise<T>): Promise<T> => queue.run(fn);

  function stopHolding(): void {
    held = false;
    heartbeat?.abort();
    heartbeat = null;
  }

  /** drops the connection `c` if it is still the current one; tells the listeners if it held */
  function lose(c: pg.Client, reason: string): void {
    if (c !== client) return; // an older connection, already dropped
    client = null;
    c.end().catch(() => undefined); // with a query in flight, end() destroys the socket
    if (!held) return;
    stopHolding();
    for (const listener of [...listeners]) {
      try {
        listener(reason);
      } catch (error) {
        opts.warn(`writer lease ${name}: a lost-lease listener failed`, error);
      }
    }
  }

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client(config);
    c.on('error', (error) => lose(c, `connection error: ${error.message}`));
    c.on('end', () => lose(c, 'connection ended'));
    try {
      await c.connect();
    } catch (error) {
      c.end().catch(() => undefined);
      throw error;
    }
    client = c;
    return c;
  }

  /** the query's rows, or a rejection after timeoutMs of the injected clock */
  async function query(c: pg.Client, text: string, values: unknown[]): Promise<Record<string, unknown>[]> {
    pending++;
    const timer = new AbortController();
    const timedOut = new Promise<never>((_, reject) => {
      opts.clock.sleep(timeoutMs, timer.signal).then(
        () => reject(new Error(`no answer from PostgreSQL within ${timeoutMs} ms`)),
        () => undefined,
      );
    });
    try {
      const result = await Promise.race([c.query(text, values), timedOut]);
      return result.rows as Record<string, unknown>[];
    } finally {
      pending--;
      timer.abort();
    }
  }

  function startHeartbeat(c: pg.Client): void {
    const stop = new AbortController();
    heartbeat = stop;
    void (async () => {
      for (;;) {
        try {
          await opts.clock.sleep(heartbeatMs, stop.signal);
          await query(c, 'SELECT 1', []);
        } catch (error) {
          if (!stop.signal.aborted) lose(c, `heartbeat failed: ${errorText(error)}`);
          return;
        }
      }
    })();
  }

  async function acquire(): Promise<boolean> {
    if (closed) return false;
    if (held) return true;
    const c = client ?? (await connect());
    let rows: Record<string, unknown>[];
    try {
      rows = await query(c, 'SELECT pg_try_advisory_lock($1, $2) AS acquired', keys);
    } catch (error) {
      lose(c, `acquire failed: ${errorText(error)}`);
      throw error;
    }
    // the connection may have died between the answer and here: its lock died with it
    if (rows[0]?.['acquired'] !== true || c !== client) return false;
    held = true;
    startHeartbeat(c);
    return true;
  }

  async function releaseNow(): Promise<void> {
    const c = client;
    if (!held || !c) return;
    stopHolding();
    try {
      const rows = await query(c, 'SELECT pg_advisory_unlock($1, $2) AS released', keys);
      if (rows[0]?.['released'] !== true) opts.warn(`writer lease ${name}: the lock was not held at release`);
    } catch (error) {
      opts.warn(`writer lease ${name}: unlock failed; dropping its connection (the lock goes with it)`, error);
      lose(c, 'unlock failed');
    }
  }

  const lease: WriterLease = {
    name,
    holds: () => held,
    inFlight: () => pending,
    tryAcquire: () => serial(acquire),
    release: () => serial(releaseNow),
    async waitUntilAcquired(signal) {
      for (;;) {
        if (signal.aborted) throw signal.reason;
        const acquired = await lease.tryAcquire().catch((error: unknown) => {
          opts.warn(`writer lease ${name}: acquire attempt failed; retrying in ${pollMs} ms`, error);
          return false;
        });
        if (acquired) return;
        await opts.clock.sleep(pollMs, signal);
      }
    },
    onLost(listener) {
      const own = (reason: string) => listener(reason); // the same function may subscribe twice
      listeners.add(own);
      return () => listeners.delete(own);
    },
    close: () => serial(async () => {
      if (closed) return;
      closed = true;
      await releaseNow();
      const c = client;
      client = null;
      if (!c) return;
      // a frozen socket must not hold shutdown: give end() the query timeout, then move on
      const gaveUp = new AbortController();
      await Promise.race([c.end().catch(() => undefined), opts.clock.sleep(timeoutMs, gaveUp.signal).catch(() => undefined)]);
      gaveUp.abort();
    }),
  };
  return lease;
}
