/**
 * `npm run backtest`: replays signals and recorded 1-minute bars through Keel's whole engine on a
 * virtual clock ("as fast as possible"), against the simulated exchange in this process, each run in
 * a throwaway database of its own (an embedded PostgreSQL under --data-dir, .keel/backtest/pg by default): nothing touches
 * Keel's own data, paper or live. Options: backtest/backtest-args.ts. The run: service/backtest.
 * Exit code 1 when the command line or an input is refused (every problem listed) or a run fails.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startRunDatabases } from '../adapters/postgres/run-databases.js';
import { BACKTEST_USAGE, readBacktestArgs } from './backtest/backtest-args.js';
import { readInputs } from './backtest/backtest-inputs.js';
import { progressBar, summaryTable } from './backtest/report-files.js';
import { runOne } from './backtest/run-one.js';
import { runDir, runSweep, sweepGrid } from './backtest/sweep.js';
import { formatEt } from './demo-setup.js';
import { errorText } from '../lib/error-text.js';

const fail = (problems: string[]) => {
  console.error(`npm run backtest: ${problems.map((p, i) => `(${i + 1}) ${p}`).join('\n  ')}\n${BACKTEST_USAGE}`);
  process.exitCode = 1;
};

async function main(): Promise<void> {
  const cwd = process.cwd();
  const args = readBacktestArgs(process.argv.slice(2), cwd);
  if (args.ok === 'help') return void console.log(BACKTEST_USAGE);
  if (!args.ok) return fail(args.problems);
  const options = args.options;
  const read = await readInputs(options, process.env);
  if (!read.ok) return fail(read.problems);
  const { inputs } = read;
  for (const line of inputs.described) console.log(`backtest: ${line}`);
  const databases = await startRunDatabases(path.join(options.dataDir, 'pg'));
  try {
    await mkdir(options.out, { recursive: true });
    if (options.sweep.length === 0) {
      const tty = process.stdout.isTTY;
      let shown = -1;
      const database = await databases.create();
      const report = await runOne({
        inputs, settings: options.set, databaseUrl: database.url, outDir: options.out, cash: options.cash,
        onProgress: (at, from, to) => {
          const f = (at - from) / Math.max(1, to - from);
          if (tty) process.stdout.write(`\r${progressBar(f, `${formatEt(at)} ET`)}`);
          else if (Math.floor(f * 10) > shown) console.log(progressBar(f, `${formatEt(at)} ET`));
          shown = Math.floor(f * 10);
        },
      }).finally(() => database.drop());
      if (tty) process.stdout.write('\n');
      console.log(summaryTable(report));
      console.log(`backtest: report.json and report.html in ${options.out}`);
      return;
    }
    const points = sweepGrid(options.set, options.sweep);
    console.log(`backtest: sweeping ${points.length} runs (${options.sweep.map((s) => `${s.key} × ${s.values.length}`).join(', ')}), ranked by ${options.rank}`);
    const outcome = await runSweep({
      options, points, databases,
      onResult: (done, total, r) => console.log(`  ${progressBar(done / total, 'error' in r ? `run ${r.index + 1} FAILED: ${r.error}` : `run ${r.index + 1} ${JSON.stringify(r.swept)}`, 20)}`),
    });
    const sweepJson = { rank: outcome.rank, workers: outcome.workers, wallMs: Math.round(outcome.wallMs), scaling: Number(outcome.scaling.toFixed(2)), runs: outcome.runs.map((r) => ({ settings: r.swept, summary: r.summary, report: path.relative(options.out, path.join(runDir(options.out, r.index), 'report.json')) })), failed: outcome.failed };
    await writeFile(path.join(options.out, 'sweep.json'), JSON.stringify(sweepJson, null, 2) + '\n');
    console.log(`\n  rank  ${options.rank.padEnd(12)} trades  total P&L   settings`);
    outcome.runs.forEach((r, i) => {
      const s = r.summary;
      console.log(`  ${String(i + 1).padStart(4)}  ${String(s[options.rank] ?? '—').padEnd(12)} ${String(s.trades).padStart(6)}  ${String(s.totalPnl).padStart(10)}  ${JSON.stringify(r.swept)}`);
    });
    console.log(`\nbacktest: ${points.length} runs on ${outcome.workers} workers in ${(outcome.wallMs / 1000).toFixed(1)} s; scaling ${outcome.scaling.toFixed(2)}× over one after another; sweep.json in ${options.out}`);
    if (outcome.failed.length > 0) {
      console.error(`backtest: ${outcome.failed.length} runs failed`);
      process.exitCode = 1;
    }
  } finally {
    await databases.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`npm run backtest: ${errorText(error)}`);
  process.exitCode = 1;
});
