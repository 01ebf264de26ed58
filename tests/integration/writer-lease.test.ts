import { createServer, connect, type Socket } from 'node:net';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresWriterLease, LEASE_NAMESPACE, leaseKey } from '../../src/adapters/postgres/writer-lease.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { startWriterGuard, type WriterGuard, type WriterGuardDeps } from '../../src/control/instance/writer-guard.js';
import type { WriterLease } from '../../src/ports/writer-lease.port.js';
import { eventually } from '../support/eventually.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

// distinct values, so a test can tell from clock.sleeps which wait was requested
const POLL = 1_000;
const RETRY = 3_000;
const TIMEOUT = 15_000;
const HEARTBEAT = 60_000;

const count = (clock: ManualClock, ms: number): number => clock.sleeps.filter((s) => s === ms).length;

/** a TCP hop to PostgreSQL that can stop forwarding, like a connection whose peer vanished */
async function startBlackHoleProxy(target: string) {
  const upstreamUrl = new URL(target);
  const sockets: Socket[] = [];
  let frozen = false;
  const server = createServer((down) => {
    const up = connect(Number(upstreamUrl.port), upstreamUrl.hostname);
    sockets.push(down, up);
    down.on('data', (chunk) => { if (!frozen) up.write(chunk); });
    up.on('data', (chunk) => { if (!frozen) down.write(chunk); });
    for (const [a, b] of [[down, up], [up, down]] as const) {
      a.on('error', () => undefined);
      a.on('close', () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = new URL(target);
  url.port = String(typeof address === 'object' && address ? address.port : 0);
  return {
    url: url.toString(),
    freeze: () => { frozen = true; },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

describe('single-writer lease on real PostgreSQL', () => {
  let t: TestDb;
  let leases: WriterLease[] = [];
  let guards: WriterGuard[] = [];
  const warnings: unknown[] = [];
  const warn = (_message: string, error?: unknown) => { warnings.push(error); };

  beforeAll(async () => { t = await createTestDb(); });
  afterEach(async () => {
    for (const guard of guards.splice(0)) await guard.stop();
    for (const lease of leases.splice(0)) await lease.close();
  });
  afterAll(async () => { await t.close(); });

  function makeLease(opts: { mode?: string; account?: string; clock?: ManualClock; connection?: string } = {}): WriterLease {
    const lease = createPostgresWriterLease({
      mode: opts.mode ?? 'paper',
      accountKey: opts.account ?? 'sim',
      connection: opts.connection ?? t.url,
      clock: opts.clock ?? new ManualClock(),
      warn,
      pollMs: POLL,
      heartbeatMs: HEARTBEAT,
      queryTimeoutMs: TIMEOUT,
    });
    leases.push(lease);
    return lease;
  }

  async function guard(deps: Omit<WriterGuardDeps, 'warn' | 'retryMs'>): Promise<WriterGuard> {
    const g = await startWriterGuard({ ...deps, warn, retryMs: RETRY });
    guards.push(g);
    return g;
  }

  /** the server process holding `name`'s advisory lock in this database, as pg_locks shows it */
  async function holderPid(name: string): Promise<number | null> {
    const { rows } = await sql<{ pid: number }>`
      SELECT pid FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND objsubid = 2
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND classid = ${LEASE_NAMESPACE}::int4::oid AND objid = ${leaseKey(name)}::int4::oid`.execute(t.db);
    return rows[0]?.pid ?? null;
  }

  async function terminateHolder(name: string): Promise<void> {
    const pid = await holderPid(name);
    expect(pid).toEqual(expect.any(Number));
    await sql`SELECT pg_terminate_backend(${pid}::int4)`.execute(t.db);
  }

  describe('lease', () => {
    it('names the lease by mode and account and keys it by a 32-bit FNV-1a hash', () => {
      expect(makeLease({ mode: 'live', account: 'AKTEST123' }).name).toBe('keel:live:AKTEST123');
      expect(leaseKey('a')).toBe(0xe40c292c | 0); // the published FNV-1a test vector for "a"
      expect(leaseKey('keel:paper:sim')).not.toBe(leaseKey('keel:live:sim'));
    });

    it('refuses a second holder while the first holds, and the lock is visible on the server', async () => {
      const a = makeLease();
      const b = makeLease();
      expect(await a.tryAcquire()).toBe(true);
      expect(a.holds()).toBe(true);
      expect(await b.tryAcquire()).toBe(false);
      expect(b.holds()).toBe(false);
      expect(await holderPid(a.name)).toEqual(expect.any(Number));
    });

    it('lets different modes and accounts hold their leases at the same time', async () => {
      const names = [['paper', 'AK1'], ['live', 'AK1'], ['paper', 'AK2'], ['paper', 'sim']] as const;
      for (const [mode, account] of names) expect(await makeLease({ mode, account }).tryAcquire()).toBe(true);
      expect(await makeLease({ mode: 'live', account: 'AK1' }).tryAcquire()).toBe(false);
    });

    it('acquires idempotently and releases harmlessly twice, or without ever holding', async () => {
      const a = makeLease();
      const b = makeLease();
      await b.release();
      expect(await a.tryAcquire()).toBe(true);
      expect(await a.tryAcquire()).toBe(true);
      await a.release(); // one release frees it although tryAcquire succeeded twice
      await a.release();
      expect(a.holds()).toBe(false);
      expect(await b.tryAcquire()).toBe(true);
      expect(await a.tryAcquire()).toBe(false);
    });

    it('keeps holding across healthy heartbeats', async () => {
      const clock = new ManualClock();
      const a = makeLease({ clock });
      const lost: string[] = [];
      a.onLost((reason) => lost.push(reason));
      expect(await a.tryAcquire()).toBe(true);
      for (let beat = 1; beat <= 3; beat++) {
        clock.advance(HEARTBEAT);
        // each heartbeat's SELECT 1 answered: the next heartbeat wait is registered
        await eventually(async () => expect(count(clock, HEARTBEAT)).toBe(beat + 1));
      }
      expect(a.holds()).toBe(true);
      expect(lost).toEqual([]);
      expect(await makeLease().tryAcquire()).toBe(false);
    });

    it('acquires on the first poll after the holder releases, not before', async () => {
      const a = makeLease();
      const clock = new ManualClock();
      const b = makeLease({ clock });
      expect(await a.tryAcquire()).toBe(true);
      const acquired = b.waitUntilAcquired(new AbortController().signal);
      await eventually(async () => expect(count(clock, POLL)).toBe(1));
      clock.advance(POLL);
      await eventually(async () => expect(count(clock, POLL)).toBe(2)); // second attempt refused too
      expect(b.holds()).toBe(false);
      await a.release();
      clock.advance(POLL);
      await acquired;
      expect(b.holds()).toBe(true);
      expect(count(clock, POLL)).toBe(2);
      expect(await a.tryAcquire()).toBe(false);
    });

    it('stops waiting when aborted, rejecting with the reason and never acquiring later', async () => {
      const a = makeLease();
      const clock = new ManualClock();
      const b = makeLease({ clock });
      await a.tryAcquire();
      const abort = new AbortController();
      const waiting = b.waitUntilAcquired(abort.signal);
      await eventually(async () => expect(count(clock, POLL)).toBe(1));
      abort.abort(new Error('shutting down'));
      await expect(waiting).rejects.toThrow('shutting down');
      await a.release();
      clock.advance(POLL * 5);
      expect(clock.pending).toBe(0);
      expect(b.holds()).toBe(false);
    });

    it('reports a terminated connection as lost exactly once; another instance takes over, and the first reconnects later', async () => {
      const a = makeLease();
      const b = makeLease();
      const lost: string[] = [];
      a.onLost((reason) => lost.push(reason));
      expect(await a.tryAcquire()).toBe(true);
      await terminateHolder(a.name);
      await eventually(async () => expect(lost).toHaveLength(1));
      expect(a.holds()).toBe(false);
      // the server frees the lock once the backend has exited
      await eventually(async () => expect(await b.tryAcquire()).toBe(true));
      expect(lost).toHaveLength(1); // the client's 'error' and 'end' both came by now
      await b.release();
      expect(await a.tryAcquire()).toBe(true); // a new dedicated connection
      expect(lost).toHaveLength(1);
    });

    it('treats a connection that stops answering as lost after a heartbeat times out', async () => {
      const proxy = await startBlackHoleProxy(t.url);
      try {
        const clock = new ManualClock();
        const a = makeLease({ clock, connection: proxy.url });
        const lost: string[] = [];
        a.onLost((reason) => lost.push(reason));
        expect(await a.tryAcquire()).toBe(true);
        proxy.freeze();
        clock.advance(HEARTBEAT); // the heartbeat's SELECT 1 goes nowhere
        await eventually(async () => expect(count(clock, TIMEOUT)).toBe(2)); // acquire's and the heartbeat's
        expect(a.holds()).toBe(true); // silence alone is not yet a failure
        clock.advance(TIMEOUT);
        await eventually(async () => expect(lost).toHaveLength(1));
        expect(a.holds()).toBe(false);
        // the silent socket was destroyed, so the server ends the session and frees the lock
        const b = makeLease();
        await eventually(async () => expect(await b.tryAcquire()).toBe(true));
      } finally {
        await proxy.close();
      }
    });

    it('releases on close and cannot be acquired afterwards', async () => {
      const a = makeLease();
      const b = makeLease();
      await a.tryAcquire();
      await a.close();
      await a.close();
      expect(a.holds()).toBe(false);
      expect(await a.tryAcquire()).toBe(false);
      expect(await b.tryAcquire()).toBe(true);
    });
  });

  describe('writer guard', () => {
    it('becomes writer at once when the lease is free, after onAcquired', async () => {
      const clock = new ManualClock();
      const lease = makeLease({ clock });
      const calls: boolean[] = [];
      const g = await guard({ lease, clock, onAcquired: async () => { calls.push(lease.holds()); }, onLost: () => undefined });
      expect(g.role()).toBe('writer');
      expect(calls).toEqual([true]); // called once, while holding
      await g.stop();
      expect(g.role()).toBe('read_only');
      expect(await makeLease().tryAcquire()).toBe(true);
    });

    it('reports read_only while another instance writes, then writer after takeover, calling onAcquired once', async () => {
      const other = makeLease();
      await other.tryAcquire();
      const clock = new ManualClock();
      const lease = makeLease({ clock });
      let acquired = 0;
      const g = await guard({
        lease, clock, onLost: () => undefined,
        onAcquired: async () => { acquired += 1; },
      });
      expect(g.role()).toBe('read_only');
      await eventually(async () => expect(count(clock, POLL)).toBe(1));
      clock.advance(POLL);
      await eventually(async () => expect(count(clock, POLL)).toBe(2));
      expect(g.role()).toBe('read_only');
      expect(acquired).toBe(0);
      await other.release();
      clock.advance(POLL);
      await eventually(async () => expect(g.role()).toBe('writer'));
      expect(acquired).toBe(1);
      expect(lease.holds()).toBe(true);
      clock.advance(POLL * 10);
      expect(count(clock, POLL)).toBe(2); // no more polling while writer
      expect(acquired).toBe(1);
    });

    it('stays read_only until onAcquired has finished', async () => {
      const clock = new ManualClock();
      const lease = makeLease({ clock });
      let finish = (): void => undefined;
      const started = makeLease();
      await started.tryAcquire();
      const g = await guard({
        lease, clock, onLost: () => undefined,
        onAcquired: () => new Promise<void>((resolve) => { finish = resolve; }),
      });
      await eventually(async () => expect(count(clock, POLL)).toBe(1));
      await started.release();
      clock.advance(POLL);
      await eventually(async () => expect(lease.holds()).toBe(true));
      expect(g.role()).toBe('read_only'); // reconciling
      finish();
      await eventually(async () => expect(g.role()).toBe('writer'));
    });

    it('on a lost lease reports lost and calls onLost once, then takes the lease back and calls onAcquired again', async () => {
      const clock = new ManualClock();
      const lease = makeLease({ clock });
      const lost: string[] = [];
      let acquired = 0;
      const g = await guard({ lease, clock, onAcquired: async () => { acquired += 1; }, onLost: (reason) => lost.push(reason) });
      expect(g.role()).toBe('writer');
      await terminateHolder(lease.name);
      await eventually(async () => expect(g.role()).toBe('lost'));
      expect(lost).toHaveLength(1);
      // the guard retries at once and then every poll; time moves only for a poll it waits on
      let polled = count(clock, POLL);
      await eventually(async () => {
        if (count(clock, POLL) > polled) {
          polled = count(clock, POLL);
          clock.advance(POLL);
        }
        expect(g.role()).toBe('writer');
      });
      expect(acquired).toBe(2);
      expect(lost).toHaveLength(1);
    });

    it('releases the lease when onAcquired fails, and tries again after the retry delay', async () => {
      const clock = new ManualClock();
      const lease = makeLease({ clock });
      let acquired = 0;
      const g = await guard({
        lease, clock, onLost: () => undefined,
        onAcquired: async () => {
          acquired += 1;
          if (acquired === 1) throw new Error('reconciliation failed');
        },
      });
      expect(g.role()).toBe('read_only');
      expect(lease.holds()).toBe(false);
      const other = makeLease();
      expect(await other.tryAcquire()).toBe(true); // released, so another instance could take it
      expect(count(clock, RETRY)).toBe(1);
      clock.advance(RETRY);
      await eventually(async () => expect(count(clock, POLL)).toBe(1)); // tried, refused: other holds
      await other.release();
      clock.advance(POLL);
      await eventually(async () => expect(g.role()).toBe('writer'));
      expect(acquired).toBe(2);
    });

    it('stop() ends the wait: the lease freed later is not taken', async () => {
      const other = makeLease();
      await other.tryAcquire();
      const clock = new ManualClock();
      const lease = makeLease({ clock });
      let acquired = 0;
      const g = await guard({ lease, clock, onAcquired: async () => { acquired += 1; }, onLost: () => undefined });
      await eventually(async () => expect(count(clock, POLL)).toBe(1));
      await g.stop();
      await other.release();
      clock.advance(POLL * 5);
      expect(clock.pending).toBe(0);
      expect(lease.holds()).toBe(false);
      expect(acquired).toBe(0);
      expect(g.role()).toBe('read_only');
    });
  });
});
