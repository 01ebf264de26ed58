/**
 * Stopping Keel as a user does, with its embedded PostgreSQL (no DATABASE_URL): Ctrl-C in a
 * terminal sends SIGINT to the whole foreground process group, so the test runs Keel in its own
 * group and signals the group. A clean stop exits 0 and writes nothing on stderr. A Keel killed
 * with SIGKILL cannot stop its database: the next start on the same data dir must cope.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { startKeelProcess, type KeelProcess } from '../support/keel-process.js';

let dataDir: string;

/** a process that has exited but was not collected by its parent (a zombie) is not running */
function isRunning(pid: number): boolean {
  if (!existsSync(`/proc/${pid}/stat`)) return false;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}
const running = new Set<KeelProcess>();

async function start(): Promise<KeelProcess> {
  const keel = await startKeelProcess({ KEEL_DATA_DIR: dataDir, PORT: '0' });
  running.add(keel);
  void keel.exited.then(() => running.delete(keel));
  // writing: the lease held, the jobs and the pipeline's background work running
  await eventually(async () => {
    const { body } = await keel.api('GET', '/api/bot/status');
    if (body.starting !== false) throw new Error('still starting');
  });
  return keel;
}

beforeAll(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'keel-shutdown-'));
});

afterAll(async () => {
  for (const keel of running) await keel.interruptGroup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('stopping Keel with its embedded database', () => {
  it('Ctrl-C to the process group: exit code 0, nothing on stderr, the database stopped', async () => {
    const keel = await start();
    expect(await keel.interruptGroup()).toBe(0);
    expect(keel.stderr()).toBe('');
    expect(keel.output()).toContain('Keel stopped.');
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 120_000);

  it('a closed terminal (SIGHUP to the process group) stops it as cleanly as Ctrl-C', async () => {
    const keel = await start();
    process.kill(-keel.pid, 'SIGHUP');
    expect(await keel.exited).toBe(0);
    expect(keel.stderr()).toBe('');
    expect(keel.output()).toContain('Keel stopped.');
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 120_000);

  it('after a SIGKILL, the next start stops the database the killed Keel left running', async () => {
    const killed = await start();
    process.kill(killed.pid, 'SIGKILL');
    expect(await killed.exited).toBeNull();
    const leftover = Number.parseInt(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8'), 10);
    expect(isRunning(leftover)).toBe(true); // in its own group: the SIGKILL did not reach it

    const next = await start();
    expect(next.output()).toContain(`stopped a PostgreSQL (pid ${leftover})`);
    expect(isRunning(leftover)).toBe(false);
    expect(await next.interruptGroup()).toBe(0);
    expect(next.stderr()).toBe('');
  }, 120_000);
});
