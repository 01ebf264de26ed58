/**
 * How the embedded PostgreSQL starts where it cannot simply run in place: a start that cannot
 * succeed rejects with one message (never an unhandled 'error' event), a lock file left behind
 * does not block the next start, and as root a data dir the postgres OS user cannot reach is
 * moved to a reachable place (the binaries too: pg-binaries.ts).
 */
import { chmod, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../../src/adapters/postgres/db.js';
import { freePort, startEmbeddedPostgres } from '../../src/adapters/postgres/embedded.js';
import { binariesReachableByOthers } from '../../src/adapters/postgres/pg-binaries.js';
import { runInitdb, startPostmaster } from '../../src/adapters/postgres/pg-process.js';

const dirs: string[] = [];
afterAll(async () => { for (const dir of dirs) await rm(dir, { recursive: true, force: true }); });

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

const asRoot = process.getuid?.() === 0;

describe('a database that cannot start', () => {
  it('binaries that cannot be executed: initdb and postgres reject with one message', async () => {
    const binDir = await tempDir('keel-pg-bin-');
    for (const name of ['initdb', 'postgres']) await writeFile(join(binDir, name), '#!/bin/sh\n', { mode: 0o644 });
    await expect(runInitdb(binDir, [], {}, () => undefined)).rejects.toThrow(`cannot run ${join(binDir, 'initdb')}: spawn ${join(binDir, 'initdb')} EACCES`);
    await expect(startPostmaster({ binDir, pgDir: binDir, port: 1, flags: [], ids: {}, onOutput: () => undefined }))
      .rejects.toThrow(`cannot run ${join(binDir, 'postgres')}: spawn ${join(binDir, 'postgres')} EACCES`);
  });

  it('its port taken: the start rejects, saying which step failed and what postgres said', async () => {
    const dataDir = await tempDir('keel-pg-port-');
    const port = await freePort();
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      const error = await startEmbeddedPostgres({ dataDir, port, durable: false }).then(() => null, (e: Error) => e);
      expect(error?.message).toMatch(/^embedded postgres: start failed in .*: postgres exited with code 1 before it was ready/);
      expect(error?.message).toContain('Address already in use');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 60_000);
});

describe('a lock file left on the data dir', () => {
  it('naming a pid that is now another program: removed, and the server starts', async () => {
    const dataDir = await tempDir('keel-pg-stale-');
    const first = await startEmbeddedPostgres({ dataDir, durable: false });
    await first.stop();
    // the test runner's own parent process: alive, and no postgres
    await writeFile(join(first.pgDir, 'postmaster.pid'), `${process.ppid}\n${first.pgDir}\n`);
    const second = await startEmbeddedPostgres({ dataDir, durable: false });
    expect(second.notes.join('\n')).toContain(`removed a stale ${join(first.pgDir, 'postmaster.pid')}`);
    await second.stop();
  }, 60_000);

  it('of a server this process still runs: refused with one message, that server untouched', async () => {
    const dataDir = await tempDir('keel-pg-twice-');
    const first = await startEmbeddedPostgres({ dataDir, durable: false });
    try {
      await expect(startEmbeddedPostgres({ dataDir, durable: false }))
        .rejects.toThrow(`embedded postgres: this process already runs the database in ${first.pgDir}`);
      const pid = Number.parseInt(await readFile(join(first.pgDir, 'postmaster.pid'), 'utf8'), 10);
      expect(() => process.kill(pid, 0)).not.toThrow();
    } finally {
      await first.stop();
    }
  }, 60_000);
});

describe('stopping in order', () => {
  it('a pool closed before the server stops has ended every connection: the stop terminates none', async () => {
    const server = await startEmbeddedPostgres({ dataDir: await tempDir('keel-pg-order-'), durable: false });
    const errors: Error[] = [];
    const { db, close, disconnected } = createDb(server.url, { onPoolError: (error) => errors.push(error) });
    // several connections at once, all idle in the pool afterwards
    await Promise.all(Array.from({ length: 8 }, () => sql`SELECT pg_sleep(0.01)`.execute(db)));
    await close();
    await disconnected();
    await server.stop();
    expect(errors.map((e) => e.message)).toEqual([]);
  }, 60_000);
});

describe('as root, a data dir the postgres OS user cannot reach', () => {
  it.runIf(asRoot)('moves the data to the runtime dir, owned by postgres 0700, and finds it again, even from a new clone', async () => {
    const closed = await tempDir('keel-pg-closed-');
    await chmod(closed, 0o700);
    const dataDir = join(closed, 'project', '.keel');
    const runtime = await tempDir('keel-pg-runtime-');
    await chmod(runtime, 0o755);

    const first = await startEmbeddedPostgres({ dataDir, durable: false, rootRuntimeDir: runtime });
    expect(first.pgDir.startsWith(join(runtime, 'data-'))).toBe(true);
    expect(first.notes).toContain(`data moved there: the postgres OS user cannot reach ${dataDir}`);
    const s = await stat(first.pgDir);
    expect(s.uid).not.toBe(0);
    expect(s.mode & 0o777).toBe(0o700);
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir, durable: false, rootRuntimeDir: runtime });
    expect(second.pgDir).toBe(first.pgDir);
    await second.stop();

    // the project deleted and cloned again at the same path: the same data, and its password
    await rm(join(closed, 'project'), { recursive: true });
    const third = await startEmbeddedPostgres({ dataDir, durable: false, rootRuntimeDir: runtime });
    expect(third.pgDir).toBe(first.pgDir);
    await third.stop();
  }, 60_000);
});

describe('binaries the postgres OS user cannot reach', () => {
  async function packagedTree(): Promise<string> {
    const closed = await tempDir('keel-pg-pkg-');
    await chmod(closed, 0o700);
    const native = join(closed, 'native');
    await mkdir(join(native, 'bin'), { recursive: true });
    await mkdir(join(native, 'lib'), { recursive: true });
    await writeFile(join(native, 'bin', 'postgres'), '#!/bin/sh\n', { mode: 0o700 });
    await writeFile(join(native, 'lib', 'libpq.so.5.18'), 'lib', { mode: 0o600 });
    await symlink('libpq.so.5.18', join(native, 'lib', 'libpq.so.5'));
    return join(native, 'bin');
  }

  it('are copied once per version, readable and executable by all, links kept, even by two starts at once', async () => {
    const binDir = await packagedTree();
    const copyRoot = join(await tempDir('keel-pg-copies-'), 'keel');
    const packaged = { binDir, version: '18.9.9' };
    const [a, b] = await Promise.all([binariesReachableByOthers(packaged, copyRoot), binariesReachableByOthers(packaged, copyRoot)]);
    const target = join(copyRoot, 'postgres-18.9.9');
    expect(a).toEqual({ binDir: join(target, 'bin'), version: '18.9.9', copiedFrom: binDir });
    expect(b).toEqual(a);
    expect((await stat(join(target, 'bin', 'postgres'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(target, 'lib', 'libpq.so.5.18'))).mode & 0o777).toBe(0o644);
    expect((await stat(target)).mode & 0o777).toBe(0o755);
    expect(await readlink(join(target, 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18');
    expect(await readdir(copyRoot)).toEqual(['postgres-18.9.9']); // no half-built copy left behind
  });

  it('reachable ones are used where they are', async () => {
    const open = await tempDir('keel-pg-open-');
    await chmod(open, 0o755);
    await mkdir(join(open, 'native', 'bin'), { recursive: true });
    const packaged = { binDir: join(open, 'native', 'bin'), version: '18.9.9' };
    expect(await binariesReachableByOthers(packaged, join(open, 'copies'))).toBe(packaged);
  });
});
