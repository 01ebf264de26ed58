/**
 * A sweep's worker process (forked by sweep.ts): reads the inputs once, then runs each grid point
 * it is sent in the database it is given, writes that run's report files under runs/NNN/, and
 * answers with the summary. Exits when the parent disconnects.
 */
import type { BacktestOptions } from './backtest-args.js';
import { readInputs } from './backtest-inputs.js';
import { runOne } from './run-one.js';
import { runDir, type WorkerJob, type WorkerMessage } from './sweep.js';
import { errorText } from '../../lib/error-text.js';

const send = (m: WorkerMessage) => process.send?.(m);

async function main(): Promise<void> {
  const options = JSON.parse(process.env.KEEL_BACKTEST_JOB ?? 'null') as BacktestOptions;
  const read = await readInputs(options, process.env);
  if (!read.ok) throw new Error(read.problems.join('; '));
  process.on('message', (job: WorkerJob) => {
    const started = performance.now();
    runOne({ inputs: read.inputs, settings: job.point.settings, databaseUrl: job.databaseUrl, outDir: runDir(options.out, job.point.index), cash: options.cash }).then(
      (report) => send({ type: 'done', result: { index: job.point.index, swept: job.point.swept, summary: report.summary, wallMs: performance.now() - started } }),
      (error: unknown) => send({ type: 'failed', index: job.point.index, error: errorText(error) }),
    );
  });
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  console.error(`backtest worker: ${errorText(error)}`);
  process.exit(1);
});
