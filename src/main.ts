/**
 * Composition root: `npm start` — Keel on the system clock, configured by the environment (README,
 * Configuration). What a start prints and how Ctrl-C stops it: src/cli/run-keel.ts.
 */
import { systemClock } from './clock/system.clock.js';
import { runKeel, startFailed } from './cli/run-keel.js';

runKeel(process.env, { clock: systemClock }).catch(startFailed);
