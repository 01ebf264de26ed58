/**
 * B9 (docs/benchmarks.md): what the always-on inspector costs. One position lifecycle — the actor
 * created and started, ENTRY_FILLED → open, EXIT → exiting, EXIT_FILLED → closed (final) — with
 * effects that do nothing, so the machine's own work is all that is timed; once without an
 * `inspect` option (the baseline) and once with the inspector's observer (nobody listening to its
 * subject, as in production when no Inspector page is open), and with a no-op observer (XState's own
 * cost of inspecting). Rounds interleave the three; reported: the ratio with ÷ without (throughput;
 * 1.0 = free), the no-op's ratio, and the microseconds per lifecycle of each.
 * Before timing counts, one inspected lifecycle must have recorded its four steps and ended.
 * The lifecycle lives in `lifecycle()` only: when the position machine's effects change, that is
 * the one place to adapt. Alone: `npx tsx bench/inspector.ts` (BENCH_ROUNDS, default 5).
 */
import { pathToFileURL } from 'node:url';
import { createActor } from 'xstate';
import { positionMachine, type PositionEffects } from '../src/machines/position.machine.js';
import type { InspectionObserver } from '../src/ports/inspection.port.js';
import { createInspector } from '../src/service/inspector/inspector.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MIN_MS = 300;

const noEffects: PositionEffects = {
  recordEntry: () => undefined, recordCancelled: () => undefined, cancelEntry: () => undefined, startExit: () => undefined, recordClosed: () => undefined,
};

let n = 0;
/** one position from creation to closed; answers its final state */
function lifecycle(inspect?: InspectionObserver): unknown {
  const options = { input: { effects: noEffects }, id: `position:bench-${++n}` };
  const actor = createActor(positionMachine, inspect ? { ...options, inspect } : options).start();
  actor.send({ type: 'ENTRY_FILLED', done: true });
  actor.send({ type: 'EXIT', reason: 'hard_stop', price: 1, detail: 'bench' });
  actor.send({ type: 'EXIT_FILLED' });
  return actor.getSnapshot().value;
}

function throughput(fn: () => unknown): number {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_MS) {
    for (let i = 0; i < 200; i++) fn();
    count += 200;
    elapsed = performance.now() - start;
  }
  return (count / elapsed) * 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function runInspectorBenchmarks(): void {
  const clock = { now: () => performance.now() };
  const inspector = createInspector({ clock });
  const check = createInspector({ clock });
  if (lifecycle(check.observer) !== 'closed') throw new Error('B9: the lifecycle did not close');
  const steps = check.since(0);
  if (steps === 'gap' || steps.map((e) => e.kind).join(',') !== 'started,transition,transition,transition,status' || check.actors().length !== 0) {
    throw new Error(`B9: the inspector did not record the lifecycle: ${JSON.stringify(steps)}`);
  }
  // a third side separates XState's own cost of inspecting (it builds an event per action, event,
  // microstep and snapshot once any observer is attached) from the normaliser's
  const noop: InspectionObserver = () => undefined;
  const sides: Record<string, () => unknown> = { base: () => lifecycle(), noop: () => lifecycle(noop), cand: () => lifecycle(inspector.observer) };
  const ratios: number[] = [];
  const xstateOnly: number[] = [];
  let last: Record<string, number> = {};
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ['base', 'noop', 'cand'] : ['cand', 'noop', 'base'];
    const out: Record<string, number> = {};
    for (const side of order) out[side] = throughput(sides[side]!);
    ratios.push(out.cand! / out.base!);
    xstateOnly.push(out.noop! / out.base!);
    last = out;
  }
  const us = (perSecond: number | undefined) => (1e6 / (perSecond ?? 1)).toFixed(1);
  console.log(`B9 inspector cost (position lifecycle, with ÷ without the observer): ratio ${median(ratios).toFixed(3)} `
    + `(min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)}); XState's inspection alone (a no-op observer) ${median(xstateOnly).toFixed(3)}; `
    + `last round ${us(last.cand)} µs with, ${us(last.noop)} µs with a no-op observer, ${us(last.base)} µs without, per lifecycle; `
    + `${inspector.lastSeq().toLocaleString('en-US')} events recorded, ${inspector.lastSeq() - inspector.firstSeq() + 1} held`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runInspectorBenchmarks();
