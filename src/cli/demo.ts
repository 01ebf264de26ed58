/**
 * `npm run demo`: Keel trading the simulated exchange at any hour, on market time N× faster from
 * 09:25 New York of the latest session, with a built-in signal feed (what and why: demo-setup.ts).
 */
import { systemClock } from '../clock/system.clock.js';
import { ScaledClock } from '../clock/scaled.clock.js';
import { demoEnv, demoFeed, formatEt, prepareDemoDir, readDemoArgs, USAGE } from './demo-setup.js';
import { runKeel, startFailed } from './run-keel.js';

async function main(): Promise<void> {
  const read = readDemoArgs(process.argv.slice(2), systemClock.now(), process.cwd());
  if (read.ok === 'help') return void console.log(USAGE);
  if (!read.ok) {
    console.error(`npm run demo: ${read.problems.map((p, i) => `(${i + 1}) ${p}`).join(' ')}\n${USAGE}`);
    process.exitCode = 1;
    return;
  }
  const { speed, start, everyMin, dataDir } = read.options;
  prepareDemoDir(dataDir);
  const clock = new ScaledClock({ base: systemClock, start, speed });
  await runKeel(demoEnv(process.env, dataDir), {
    clock,
    wallClockJobs: false,
    // a dashboard sign-in lasts 12 hours of the wall's time, not 12 minutes of the demo's
    wallClock: systemClock,
    bannerNote: [
      `demo      market time ${formatEt(start)} New York at ${speed}× (a minute every ${(60 / speed).toFixed(2)} s), the simulated exchange only`,
      `          its own database in ${dataDir}, cleared at each start; nothing reaches paper or live data`,
    ],
    afterStart: (keel, signal) => demoFeed(keel, clock, everyMin, signal, (line) => console.log(line)),
  });
}

main().catch(startFailed);
