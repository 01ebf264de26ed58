/**
 * `npm run bench`: every figure is a RATIO against a baseline measured in the same run
 * (see docs/benchmarks.md), so machine noise cancels. Rounds are interleaved and
 * the median of the per-round ratios is reported with its min and max. Outputs are checked for
 * equality before any timing counts.
 *
 * B0 broker-boundary decode: a trade_updates fill frame (bytes → typed TradeUpdate with exact
 *    decimals) vs the unavoidable part, JSON.parse of the same bytes. Ratio = Keel ÷ JSON.parse
 *    throughput (1.0 would mean validation and decimals are free).
 * B0b market-data stream frame (array of trades/quotes) decode vs JSON.parse.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDataStreamFrame, parseTradeStreamMessage } from '../src/adapters/alpaca/parse.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** recorded Alpaca payloads kept in the repository (tests/fixtures/alpaca/SOURCES.md) */
const fixture = (name: string) => readFileSync(path.join(ROOT, 'tests', 'fixtures', 'alpaca', name), 'utf8');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MIN_MS = 300;

/** operations per second of `fn` over at least MIN_MS of wall time */
function throughput(fn: () => unknown): number {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_MS) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1000;
}

interface Case {
  name: string;
  baseline: () => unknown;
  candidate: () => unknown;
  check: () => void;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fillFrame = Buffer.from(fixture('trade-update-fill.json'));
const dataFrame = Buffer.from(JSON.stringify([
  ...(JSON.parse(fixture('md-stream-trade.json')) as unknown[]),
  ...(JSON.parse(fixture('md-stream-quotes-batch.json')) as unknown[]),
]));

const cases: Case[] = [
  {
    name: 'B0 trade_updates fill frame → TradeUpdate',
    baseline: () => JSON.parse(fillFrame.toString('utf8')),
    candidate: () => parseTradeStreamMessage(JSON.parse(fillFrame.toString('utf8'))),
    check: () => {
      const m = parseTradeStreamMessage(JSON.parse(fillFrame.toString('utf8')));
      if (m.kind !== 'trade_update' || m.update.order.filledAvgPrice?.toString() !== '105.8988475') throw new Error('B0 decode is wrong');
    },
  },
  {
    name: 'B0b market-data frame → typed messages',
    baseline: () => JSON.parse(dataFrame.toString('utf8')),
    candidate: () => parseDataStreamFrame(JSON.parse(dataFrame.toString('utf8'))),
    check: () => {
      const ms = parseDataStreamFrame(JSON.parse(dataFrame.toString('utf8')));
      if (ms.some((m) => m.T === 'other')) throw new Error('B0b decode is wrong');
    },
  },
];

console.log(`node ${process.version}, ${ROUNDS} interleaved rounds, ≥${MIN_MS} ms per measurement`);
for (const c of cases) {
  c.check();
  const ratios: number[] = [];
  let last = { base: 0, cand: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    // alternate which side runs first, so warm-up and drift do not favour one
    const order = r % 2 === 0 ? ['base', 'cand'] : ['cand', 'base'];
    const out: Record<string, number> = {};
    for (const side of order) out[side] = throughput(side === 'base' ? c.baseline : c.candidate);
    ratios.push(out.cand! / out.base!);
    last = { base: out.base!, cand: out.cand! };
  }
  console.log(`${c.name}: ratio ${median(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)}); ` +
    `last round ${Math.round(last.cand).toLocaleString('en-US')}/s vs JSON.parse ${Math.round(last.base).toLocaleString('en-US')}/s`);
}

// B1–B3: the position engine (bench/positions.ts), in the same `npm run bench`
const { runPositionBenchmarks } = await import('./positions.js');
await runPositionBenchmarks();
// the same with the inspector's observer on every actor (always on in Keel): its cost is the difference
const { createInspector } = await import('../src/service/inspector/inspector.js');
await runPositionBenchmarks(createInspector({ clock: { now: () => 0 } }).observer);

// B9: the inspector's cost on a position lifecycle (bench/inspector.ts), same `npm run bench`
const { runInspectorBenchmarks } = await import('./inspector.js');
await runInspectorBenchmarks();

// B6: tick → order POST and signal → order POST latency (bench/latency.ts), same `npm run bench`
const { runLatencyBenchmarks } = await import('./latency.js');
await runLatencyBenchmarks();

// B7: GET /api/performance over a year of history (bench/performance.ts), same `npm run bench`
const { runPerformanceBenchmarks } = await import('./performance.js');
await runPerformanceBenchmarks();

// B10: a session of 500 symbols replayed through the whole engine, and a sweep's scaling (bench/backtest.ts), same `npm run bench`
const { runBacktestBenchmarks } = await import('./backtest.js');
await runBacktestBenchmarks();
