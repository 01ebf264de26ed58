/**
 * A postgres left running on Keel's data dir. The embedded server runs in its own session, so a
 * Keel killed with SIGKILL leaves it up, holding `postmaster.pid`; a new postgres on that data dir
 * would refuse to start. Before starting, Keel therefore looks at the lock file:
 *  - no file, or its process is gone: nothing to do (postgres replaces a stale lock file itself);
 *  - its pid now belongs to another program (pids are reused, e.g. after a container restart):
 *    the lock file is stale, and is removed (postgres would refuse to start while that pid lives);
 *  - its process's parent is the Keel recorded in `pg-owner.pid` beside the data: that Keel still
 *    runs on this data dir: refuse, saying which process;
 *  - otherwise it is an orphan of a Keel that is gone: stop it with `pg_ctl stop -m fast`, which
 *    waits until it has exited (committed data is safe: a fast shutdown checkpoints).
 * Linux only (what a pid is comes from /proc); elsewhere postgres's own lock-file error stands.
 */
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runPgTool, type OsUserIds } from './pg-process.js';
import { errorText } from '../../lib/error-text.js';

/** the file, beside the server's data, naming the Keel process that runs it */
export const ownerFile = (keelDataDir: string): string => join(keelDataDir, 'pg-owner.pid');

export async function recordOwner(keelDataDir: string): Promise<void> {
  await writeFile(ownerFile(keelDataDir), `${process.pid}\n`);
}

async function readPid(file: string): Promise<number | null> {
  if (!existsSync(file)) return null;
  const pid = Number.parseInt((await readFile(file, 'utf8')).split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

interface ProcessFacts { program: string; state: string; parent: number }

/** from /proc/<pid>/stat ("pid (comm) state ppid …"); null when there is no such process */
async function processFacts(pid: number): Promise<ProcessFacts | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  // comm may hold spaces and parentheses: it ends at the last ')'
  const end = stat.lastIndexOf(')');
  const [state = '', parent = ''] = stat.slice(end + 2).split(' ');
  return { program: stat.slice(stat.indexOf('(') + 1, end), state, parent: Number.parseInt(parent, 10) };
}

/** a description of what was done, or null when nothing was left on the data dir */
export async function stopLeftoverPostmaster(opts: { pgDir: string; keelDataDir: string; binDir: string; ids: OsUserIds }): Promise<string | null> {
  const lockFile = join(opts.pgDir, 'postmaster.pid');
  const pid = await readPid(lockFile);
  if (pid === null) return null;
  const facts = await processFacts(pid);
  if (facts === null) return null; // gone, or no /proc to tell
  // a zombie has exited (its parent has not collected it): it holds nothing, but postgres would
  // still see its pid as alive
  if (facts.program !== 'postgres' || facts.state === 'Z') {
    await rm(lockFile, { force: true });
    return `removed a stale ${lockFile} (its pid ${pid} is now ${facts.state === 'Z' ? 'an exited process' : facts.program})`;
  }
  const owner = await readPid(ownerFile(opts.keelDataDir));
  if (owner !== null && owner === facts.parent) {
    throw new Error(`embedded postgres: ${owner === process.pid ? 'this process' : `another Keel process (pid ${owner})`} `
      + `already runs the database in ${opts.pgDir}; stop it first, or give this one another KEEL_DATA_DIR`);
  }
  await pgCtlStop(opts.binDir, opts.pgDir, opts.ids);
  return `stopped a PostgreSQL (pid ${pid}) left running on ${opts.pgDir} by a Keel that did not stop`;
}

async function pgCtlStop(binDir: string, pgDir: string, ids: OsUserIds): Promise<void> {
  let output = '';
  await runPgTool(binDir, 'pg_ctl', ['stop', '-D', pgDir, '-m', 'fast', '-w', '-t', '60'], ids, (text) => { output += text; })
    .catch((error: unknown) => {
      const why = output.trim() || errorText(error);
      throw new Error(`embedded postgres: could not stop the PostgreSQL left running on ${pgDir}: ${why}`, { cause: error });
    });
}
