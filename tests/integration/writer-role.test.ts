/**
 * Two Keel instances in one process on one real database, wired as the service wires them: the
 * real writer lease and guard (on their own ManualClock), the swappable and read-only facades, the
 * writer role, and real controls against the simulated exchange. A recording supervisor and
 * pipeline show what runs while an instance writes, and what stops when it no longer does.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listJournal } from '../../src/adapters/postgres/index.js';
import { createPostgresWriterLease, LEASE_NAMESPACE, leaseKey } from '../../src/adapters/postgres/writer-lease.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import type { KeelBotControl } from '../../src/control/lifecycle/bot-control.js';
import { createReadOnlyControl } from '../../src/control/instance/read-only-control.js';
import { createSwappableControl } from '../../src/control/instance/swappable-control.js';
import { startWriterGuard, type WriterGuard } from '../../src/control/instance/writer-guard.js';
import { WRITER_LEASE, WRITER_LEASE_NAME } from '../../src/service/keel-service.js';
import { createWriterRole } from '../../src/service/writer-role.js';
import { startControlHarness, type ControlHarness } from '../support/control-harness.js';
import { eventually } from '../support/eventually.js';
import { FakeSupervisor } from '../support/pipeline-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const POLL = 1_000;
const RETRY = 3_000;
const HEARTBEAT = 60_000;
const TIMEOUT = 15_000;

let t: TestDb;
let h: ControlHarness;
/** started by a test, stopped after it */
let instances: Array<{ stop(): Promise<void> }> = [];

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  h = await startControlHarness(t);
});
afterEach(async () => {
  for (const i of instances.splice(0)) await i.stop();
  await h.close();
});

type Instance = ReturnType<typeof instance>;

function instance() {
  const clock = new ManualClock();
  const warn = () => undefined;
  const lease = createPostgresWriterLease({ ...WRITER_LEASE, connection: t.url, clock, warn, pollMs: POLL, heartbeatMs: HEARTBEAT, queryTimeoutMs: TIMEOUT });
  const readOnly = createReadOnlyControl({ db: t.db, clock: h.clock });
  const control = createSwappableControl(readOnly);
  const supervisor = new FakeSupervisor();
  const pipeline = { starts: 0, stops: 0, start() { this.starts += 1; }, async stop() { this.stops += 1; } };
  const broker = { connects: 0, disconnects: 0, failConnects: 0, failBoots: 0 };
  const role = createWriterRole({
    db: t.db, clock: h.clock, warn, leaseName: lease.name, control, readOnly, supervisor, pipeline,
    connect: async () => {
      broker.connects += 1;
      if (broker.failConnects > 0) {
        broker.failConnects -= 1;
        throw new Error('broker unreachable');
      }
    },
    disconnect: async () => { broker.disconnects += 1; },
    createControl: (): KeelBotControl => {
      const real = h.newControl();
      if (broker.failBoots === 0) return real;
      broker.failBoots -= 1;
      return { ...real, events$: real.events$, boot: async () => { throw new Error('database gone'); } };
    },
  });
  let guard: WriterGuard | null = null;
  const self = {
    clock, lease, readOnly, control, supervisor, pipeline, broker, role,
    guard: () => guard!,
    async start() {
      guard = await startWriterGuard({ lease, clock, warn, retryMs: RETRY, onAcquired: (s) => role.acquired(s), onLost: (r) => role.lost(r) });
      role.startupDone();
      return self;
    },
    /** as the service stops: everything that writes, then the guard, then the lease */
    async stop() {
      instances = instances.filter((other) => other !== self);
      await role.stop();
      await guard?.stop();
      await lease.close();
    },
  };
  instances.push(self);
  return self;
}

const polls = (clock: ManualClock) => clock.sleeps.filter((ms) => ms === POLL).length;

/**
 * Advances the instance's clock through every wait of its guard and lease — a poll between two
 * tries for the lease, a retry after a failed takeover — until `check` passes. A wait begun after
 * the test's own advance (a takeover still failing when the test let the next one succeed) is
 * advanced too: the guard never waits on a timer nobody moves.
 */
async function pollUntil(i: Instance, check: () => Promise<void>): Promise<void> {
  let seen = i.clock.sleeps.length;
  await eventually(async () => {
    const waits = i.clock.sleeps.slice(seen).filter((ms) => ms === POLL || ms === RETRY);
    seen = i.clock.sleeps.length;
    if (waits.length > 0) i.clock.advance(Math.max(...waits));
    await check();
  });
}

const takeovers = async () => (await listJournal(t.db, { kinds: ['startup'] })).filter((e) => e.message === 'instance took over the writer lease');

async function writing(i: Instance): Promise<void> {
  expect(i.guard().role()).toBe('writer');
  expect((await i.control.act('start', 'test')).ok).toBe(true);
  await eventually(async () => expect(i.supervisor.active).toBe(true));
}

async function terminateHolder(): Promise<void> {
  const { rows } = await sql<{ pid: number }>`
    SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND classid = ${LEASE_NAMESPACE}::int4::oid AND objid = ${leaseKey(WRITER_LEASE_NAME)}::int4::oid`.execute(t.db);
  expect(rows).toHaveLength(1);
  await sql`SELECT pg_terminate_backend(${rows[0]!.pid}::int4)`.execute(t.db);
}

describe('writer role: one writer per database', () => {
  it('uses one lease for the whole database, whatever the mode', () => {
    expect(WRITER_LEASE_NAME).toBe('keel:db:writer');
    expect(instance().lease.name).toBe(WRITER_LEASE_NAME);
  });

  it('the second instance serves read-only while the first writes, then takes over after it stops, restoring its state like a restart', async () => {
    const a = await instance().start();
    await writing(a);
    expect(a.pipeline.starts).toBe(1);
    expect(a.broker.connects).toBe(1);

    const b = await instance().start();
    expect(b.guard().role()).toBe('read_only');
    expect(await b.control.status()).toMatchObject({ state: 'running', readOnly: true, reconciled: false });
    expect(await b.control.act('stop', 'test')).toMatchObject({ ok: false, error: { code: 'ANOTHER_INSTANCE_ACTIVE', httpStatus: 409 } });
    expect(await b.control.entryGate()).toMatchObject({ state: 'stopped' });
    expect({ connects: b.broker.connects, pipelineStarts: b.pipeline.starts, supervisor: b.supervisor.active }).toEqual({ connects: 0, pipelineStarts: 0, supervisor: false });
    await eventually(async () => expect(polls(b.clock)).toBe(1));

    await a.stop();
    expect(a.supervisor.active).toBe(false);
    expect(a.broker.disconnects).toBe(1);
    expect(await takeovers()).toEqual([]);

    b.clock.advance(POLL);
    await eventually(async () => expect(b.guard().role()).toBe('writer'));
    expect(b.control.current()).not.toBe(b.readOnly);
    await eventually(async () => expect(await b.control.status()).toMatchObject({ state: 'running', starting: false, reconciled: true }));
    expect(await b.control.status()).not.toHaveProperty('readOnly');
    await eventually(async () => expect(b.supervisor.active).toBe(true));
    expect({ connects: b.broker.connects, pipelineStarts: b.pipeline.starts }).toEqual({ connects: 1, pipelineStarts: 1 });
    expect(await takeovers()).toHaveLength(1);
    expect((await b.control.act('pause', 'test')).ok).toBe(true);
  });

  it('on a lost lease: read-only at once, everything that writes stopped and the loss journaled; it writes again once it holds the lease and has reconciled', async () => {
    const a = await instance().start();
    await writing(a);
    a.broker.failConnects = 1_000; // hold it read-only until the test lets it take the lease back
    await terminateHolder();
    await eventually(async () => expect(a.broker.disconnects).toBe(1));
    expect(a.guard().role()).toBe('lost');
    expect(a.control.current()).toBe(a.readOnly);
    expect(await a.control.act('pause', 'test')).toMatchObject({ ok: false, error: { code: 'ANOTHER_INSTANCE_ACTIVE' } });
    expect(await a.control.entryGate()).toMatchObject({ state: 'stopped' });
    expect(a.supervisor.active).toBe(false);
    expect(a.pipeline.stops).toBeGreaterThanOrEqual(1);
    await eventually(async () => {
      const lost = (await listJournal(t.db, { kinds: ['warning'] })).filter((e) => e.message.startsWith('lost the writer lease'));
      expect(lost).toHaveLength(1);
      expect(lost[0]!.subject).toBe(WRITER_LEASE_NAME);
    });
    expect(await listJournal(t.db, { kinds: ['shutdown'] })).toHaveLength(1); // the first control
    expect(await a.control.status()).toMatchObject({ state: 'running', readOnly: true });

    a.broker.failConnects = 0;
    a.clock.advance(RETRY);
    await pollUntil(a, async () => expect(a.guard().role()).toBe('writer'));
    await eventually(async () => expect(await a.control.status()).toMatchObject({ state: 'running', starting: false, reconciled: true }));
    await eventually(async () => expect(a.supervisor.active).toBe(true));
    expect(a.pipeline.starts).toBe(2);
    expect(await takeovers()).toHaveLength(1);
  });

  it('undoes a takeover whose boot fails: disconnected, still read-only, the lease free for another instance', async () => {
    const a = instance();
    a.broker.failBoots = 1;
    await a.start();
    expect(a.guard().role()).toBe('read_only');
    expect(a.control.current()).toBe(a.readOnly);
    expect(a.broker).toMatchObject({ connects: 1, disconnects: 1 });
    expect(a.pipeline.starts).toBe(0);
    const other = instance();
    expect(await other.lease.tryAcquire()).toBe(true);
    await other.lease.release();
    a.clock.advance(RETRY);
    await pollUntil(a, async () => expect(a.guard().role()).toBe('writer'));
    expect(a.broker.connects).toBe(2);
  });

  it('after stop() it never becomes the writer, even when the lease comes free', async () => {
    const a = await instance().start();
    const b = await instance().start();
    await eventually(async () => expect(polls(b.clock)).toBe(1));
    await b.role.stop();
    await a.stop();
    b.clock.advance(POLL);
    // b takes the lock, refuses to write and releases it again: a third instance can have it
    await eventually(async () => expect(b.clock.sleeps).toContain(RETRY));
    expect(b.lease.holds()).toBe(false);
    expect(b.broker.connects).toBe(0);
    expect(b.control.current()).toBe(b.readOnly);
    expect(await instance().lease.tryAcquire()).toBe(true);
  });
});
