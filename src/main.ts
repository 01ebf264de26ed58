/**
 * Composition root: `npm start`. Reads the environment, starts the service (src/service) and
 * prints where it is, which mode, which database and the API token (whole only when generated just
 * now: see api-token.ts); Ctrl-C stops it cleanly.
 * An invalid configuration stops the start with every problem listed (exit code 1).
 */
import { systemClock } from './clock/system.clock.js';
import { apiTokenBanner } from './config/api-token.js';
import { loadConfig } from './config/config.js';
import { startKeel } from './service/keel-service.js';

async function main(): Promise<void> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) {
    console.error(`Keel cannot start; fix the configuration:\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exitCode = 1;
    return;
  }
  const keel = await startKeel(loaded.config, {
    clock: systemClock,
    random: Math.random,
    warn: (message, error) => console.error(`keel: ${message}${error ? `: ${error instanceof Error ? error.message : String(error)}` : ''}`),
  });
  const status = await keel.control.status();
  const readOnly = keel.writerRole() !== 'writer';
  const token = apiTokenBanner(keel.token, `${keel.url}/api/bot/status`);
  console.log(`Keel is listening on ${keel.url}
  mode      ${keel.mode}
  broker    ${readOnly ? 'not connected (read-only)' : keel.broker}
  database  ${keel.database}${keel.migrationsApplied.length ? ` (migrations applied: ${keel.migrationsApplied.join(', ')})` : ''}
  state     ${status.state}${readOnly ? ' (as the writing instance persisted it)' : ''}${status.starting ? ' (restoring running: reconciling first)' : ''}, reconciled ${status.reconciled}
  writer    ${readOnly ? `read-only: another instance holds the writer lease (${keel.lease}); this one takes over when it stops` : `this instance (lease ${keel.lease})`}
  ${token.tokenLine}
Try: ${token.tryLine}
Ctrl-C stops.`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping Keel…`);
    keel.stop().then(
      () => {
        console.log('Keel stopped.');
        // everything is closed; do not let a stray timer in a dependency keep the process up
        process.exit(process.exitCode ?? 0);
      },
      (error: unknown) => {
        console.error('Keel did not stop cleanly:', error);
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
}

main().catch((error: unknown) => {
  console.error('Keel failed to start:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
