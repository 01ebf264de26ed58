/**
 * keel CLI. `keel sim [--port N] [--host H] [--open] [--seed N]` runs the simulated exchange on
 * the system clock, advancing it every 250 ms, until Ctrl-C. `keel migrate` applies the database
 * migrations. (The service itself is `npm start`, src/main.ts; replay/bench come with their work.)
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../clock/system.clock.js';
import { startInProcessSim } from '../adapters/sim/in-process.js';
import { migrateCommand } from './migrate.command.js';
import { errorText } from '../lib/error-text.js';

const USAGE = `usage: keel migrate            apply db/migrations (DATABASE_URL or the embedded database)
       keel sim [--port N] [--host H] [--open] [--seed N]
  --port N   listen port (default 0 = any free port)
  --host H   listen address (default 127.0.0.1)
  --open     keep the simulated market open around the clock
  --seed N   seed of the simulated prices and ids (default 1)`;

function intOption(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got ${text}`);
  return n;
}

async function sim(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      open: { type: 'boolean', default: false },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(USAGE);
  const { server, stop: stopSim } = await startInProcessSim({
    clock: systemClock,
    seed: intOption('seed', values.seed, 1),
    pinnedOpen: values.open,
    host: values.host ?? '127.0.0.1',
    port: intOption('port', values.port, 0),
    onError: (error) => console.error('[keel sim] sync failed:', error),
  });
  console.log(`Keel simulated exchange (Alpaca wire protocol)
  trading REST      ${server.tradingUrl}
  trade stream      ${server.tradeStreamUrl}
  market data REST  ${server.dataUrl}
  data stream       ${server.dataStreamUrl('iex')}   (also /v2/sip, /v2/delayed_sip, /v2/test)
try:
  curl -H 'APCA-API-KEY-ID: any' -H 'APCA-API-SECRET-KEY: any' ${server.tradingUrl}/v2/clock
Ctrl-C stops.`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void stopSim().then(() => console.log('simulated exchange closed'));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'sim') return sim(rest);
  if (command === 'migrate') {
    process.exitCode = await migrateCommand(process.env);
    return;
  }
  console.error(command ? `unknown command: ${command}\n${USAGE}` : USAGE);
  process.exitCode = 2;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`keel: ${errorText(error)}`);
  process.exitCode = 1;
});
