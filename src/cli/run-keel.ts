/**
 * Runs Keel as a process: `npm start` (src/main.ts) and `npm run demo` (src/cli/demo.ts). Reads the
 * environment given, starts the service (src/service) and
 * prints where it is, which mode, which database and the API token (whole only when generated just
 * now: see api-token.ts); Ctrl-C stops it cleanly.
 * Everything after the configuration is read goes through the logger: one line per event with
 * level, time and component, readable text by default or JSON lines (KEEL_LOG_FORMAT=json), with
 * every secret of the configuration (and the API token in use) masked. In the JSON format the start
 * banner is one 'info' event with its facts as fields, so a log pipeline reads every line the same way.
 * An invalid configuration stops the start with every problem listed (exit code 1).
 */
import { createLogger, type LogFormat } from '../adapters/log/pino.logger.js';
import { SecretScrubber } from '../adapters/log/secret-scrubber.js';
import { apiTokenBanner } from '../config/api-token.js';
import { loadConfig } from '../config/config.js';
import { secretValues } from '../config/secret-values.js';
import type { Clock } from '../ports/clock.port.js';
import { startKeel, type KeelService } from '../service/keel-service.js';

export interface RunKeelOptions {
  /** the system clock for `npm start`; the demo's N× clock */
  clock: Clock;
  /** default true (see KeelServiceDeps.wallClockJobs) */
  wallClockJobs?: boolean;
  /** the wall's time when `clock` is not it (see KeelServiceDeps.wallClock) */
  wallClock?: Clock;
  /** lines printed under the text banner (and as `note` in the JSON one) */
  bannerNote?: string[];
  /** runs once Keel is listening (the demo's signal feed); a failure is reported, Keel stays up */
  afterStart?: (keel: KeelService, signal: AbortSignal) => Promise<void>;
}

/** where a failed start is reported: plain stderr until the logger exists, then the logger (masked) */
let reportFailure = (message: string, error: unknown) => console.error(`${message}:`, error instanceof Error ? error.message : error);

export async function runKeel(env: NodeJS.ProcessEnv, opts: RunKeelOptions): Promise<void> {
  const { clock } = opts;
  const scrubber = new SecretScrubber();
  const loaded = loadConfig(env);
  // a refused configuration is still reported in the format asked for, when that much is valid
  const format: LogFormat = loaded.ok ? loaded.config.logFormat : env.KEEL_LOG_FORMAT?.trim().toLowerCase() === 'json' ? 'json' : 'text';
  const logger = createLogger({ format, clock, scrubber });
  const log = logger.child('main');
  reportFailure = (message, error) => log.error(message, error);
  if (!loaded.ok) {
    // config problems never echo a secret (config.ts), so nothing needs masking yet
    log.error(`Keel cannot start; fix the configuration: ${loaded.problems.map((p, i) => `(${i + 1}) ${p}`).join(' ')}`);
    process.exitCode = 1;
    return;
  }
  for (const secret of secretValues(loaded.config)) scrubber.add(secret);
  const keel = await startKeel(loaded.config, {
    clock,
    wallClockJobs: opts.wallClockJobs ?? true,
    ...(opts.wallClock ? { wallClock: opts.wallClock } : {}),
    random: Math.random,
    logger,
    warn: (message, error) => logger.child('service').warn(message, error),
  });
  scrubber.add({ value: keel.token.token, mask: '****' });
  const status = await keel.control.status();
  const readOnly = keel.writerRole() !== 'writer';
  const token = apiTokenBanner(keel.token, `${keel.url}/api/bot/status`);
  const facts = {
    url: keel.url,
    mode: keel.mode,
    broker: readOnly ? 'not connected (read-only)' : keel.broker,
    database: keel.database,
    migrationsApplied: keel.migrationsApplied,
    state: status.state,
    starting: status.starting,
    reconciled: status.reconciled,
    writer: readOnly ? 'read_only' : 'this_instance',
    lease: keel.lease,
    apiToken: keel.token.source === 'env' ? 'from KEEL_API_TOKEN' : `from ${keel.token.file ?? 'the data directory'}`,
    ...(opts.bannerNote ? { note: opts.bannerNote } : {}),
  };
  if (format === 'json') log.info(`Keel is listening on ${keel.url}`, facts);
  else console.log(textBanner(keel.url, facts, readOnly, token));
  const background = new AbortController();
  if (opts.afterStart) {
    opts.afterStart(keel, background.signal).catch((error: unknown) => {
      if (!background.signal.aborted) log.error('the task started with Keel failed (Keel stays up)', error);
    });
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    background.abort(new Error('Keel is stopping'));
    log.info(`${signal}: stopping Keel…`);
    keel.stop().then(
      () => {
        log.info('Keel stopped.');
        // everything is closed; do not let a stray timer in a dependency keep the process up
        process.exit(process.exitCode ?? 0);
      },
      (error: unknown) => {
        log.error('Keel did not stop cleanly', error);
        process.exitCode = 1;
      },
    );
  };
  // the orderly shutdown (HTTP → jobs and control → lease → streams → pool → database) is Keel's:
  // the embedded database runs in its own process group, so a terminal's Ctrl-C reaches only
  // Keel, and keel.stop() stops the database last
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // the terminal closed (an ssh session dropped): stop as cleanly as on Ctrl-C, not die mid-write
  process.on('SIGHUP', () => stop('SIGHUP'));

  function textBanner(url: string, f: typeof facts, ro: boolean, t: ReturnType<typeof apiTokenBanner>): string {
    return `Keel is listening on ${url}
  mode      ${f.mode}
  broker    ${f.broker}
  database  ${f.database}${f.migrationsApplied.length ? ` (migrations applied: ${f.migrationsApplied.join(', ')})` : ''}
  state     ${f.state}${ro ? ' (as the writing instance persisted it)' : ''}${f.starting ? ' (restoring running: reconciling first)' : ''}, reconciled ${f.reconciled}
  writer    ${ro ? `read-only: another instance holds the writer lease (${f.lease}); this one takes over when it stops` : `this instance (lease ${f.lease})`}
  ${t.tokenLine}
${(opts.bannerNote ?? []).map((line) => `  ${line}\n`).join('')}Try: ${t.tryLine}
Ctrl-C stops.`;
  }
}

/** reports a failed start (through the logger once it exists, secrets masked) and sets exit code 1 */
export function startFailed(error: unknown): void {
  reportFailure('Keel failed to start', error);
  process.exitCode = 1;
}
