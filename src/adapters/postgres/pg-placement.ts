/**
 * Where the embedded server's data and binaries live, and as whom it runs. PostgreSQL refuses to
 * run as root, so as root it runs as the `postgres` OS user (created when absent), which must be
 * able to reach both. Invariants:
 *  - not root: data in `${dataDir}/pg`, the packaged binaries, the current user — nothing moves;
 *  - root, and the data dir's parents let other users through: data in `${dataDir}/pg` (the data
 *    dir itself is made traversable, not listable);
 *  - root, and they do not (a project in root's home or in a 0700 temp dir, as containers run
 *    it): data in `${rootRuntimeDir}/data-<hash of the data dir's path>`, so the same project
 *    finds the same data on every start (its password beside it, in `<that>.pg-password`: a
 *    project deleted and cloned again at the same path opens it again), and the binaries are
 *    copied beside it (pg-binaries.ts);
 *  - a cluster, once created, is used where it is (in the data dir, else the moved one);
 *  - the server's directory is owned by the postgres user, mode 0700, as PostgreSQL requires.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { binariesReachableByOthers, openDir, packagedBinaries, traversableByOthers } from './pg-binaries.js';
import type { OsUserIds } from './pg-process.js';
import { errorText } from '../../lib/error-text.js';

/** as root, where the data and binaries go when the postgres user cannot reach the project */
export const DEFAULT_ROOT_RUNTIME_DIR = '/var/lib/keel';

export interface PgPlacement {
  pgDir: string;
  /** the superuser's password, kept with the data it opens (a re-cloned project finds both) */
  passwordFile: string;
  binDir: string;
  ids: OsUserIds;
  /** what was moved and why, for the start banner */
  notes: string[];
}

export const isRoot = (): boolean => process.getuid?.() === 0;

export async function placeServer(dataDir: string, rootRuntimeDir: string): Promise<PgPlacement> {
  const packaged = await packagedBinaries();
  const local = join(dataDir, 'pg');
  const passwordFile = join(dataDir, 'pg-password');
  if (!isRoot()) return { pgDir: local, passwordFile, binDir: packaged.binDir, ids: {}, notes: [] };

  const ids = await postgresUserIds();
  const notes: string[] = [];
  const binaries = await binariesReachableByOthers(packaged, rootRuntimeDir);
  const moved = join(rootRuntimeDir, `data-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`);
  let pgDir = local;
  if (existsSync(join(local, 'PG_VERSION')) || (!existsSync(join(moved, 'PG_VERSION')) && (await traversableByOthers(dataDir)))) {
    await chmod(dataDir, ((await stat(dataDir)).mode & 0o777) | 0o011); // traverse only, not list
  } else {
    pgDir = moved;
    notes.push(`data moved there: the postgres OS user cannot reach ${dataDir}`);
    await openDir(rootRuntimeDir);
  }
  if (binaries.copiedFrom) notes.push(`binaries in ${binaries.binDir}: the postgres OS user cannot reach ${binaries.copiedFrom}`);
  await mkdir(pgDir, { recursive: true });
  await chown(pgDir, ids.uid!, ids.gid!);
  await chmod(pgDir, 0o700);
  return { pgDir, passwordFile: pgDir === local ? passwordFile : `${moved}.pg-password`, binDir: binaries.binDir, ids, notes };
}

const run = (file: string, args: string[]): Promise<string> =>
  new Promise((resolve, reject) => execFile(file, args, (error, stdout) => (error ? reject(error) : resolve(stdout))));

async function postgresUserIds(): Promise<Required<OsUserIds>> {
  const lookup = async () => ({
    uid: Number.parseInt(await run('id', ['-u', 'postgres']), 10),
    gid: Number.parseInt(await run('id', ['-g', 'postgres']), 10),
  });
  try {
    return await lookup();
  } catch {
    try {
      await run('groupadd', ['--force', '--system', 'postgres']);
      await run('useradd', ['--system', '-g', 'postgres', 'postgres']);
      return await lookup();
    } catch (error) {
      throw new Error(`embedded postgres: running as root, and there is no postgres OS user to run the database as, nor could one be created: ${errorText(error)}`, { cause: error });
    }
  }
}
