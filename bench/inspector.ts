/**
 * B9 (docs/benchmarks.md): what the always-on inspector costs. One position lifecycle through
 * Keel's real actor — a PositionActor created open (restored: no entry), EXIT through the
 * runtime's keyed decisions stream, its sell (in-memory broker, bench/position-fakes.ts), the fill
 * through the keyed order stream, the close written (in-memory store), final — timed once without
 * an `inspect` option (the baseline), once with the inspector's observer (nobody listening to its
 * subject, as in production when no Inspector page is open), and once with a no-op observer
 * (XState's own cost of inspecting). Lifecycles finish on the event loop, so each side runs a
 * batch of them to the end and is timed per lifecycle. Rounds interleave the three; reported: the
 * ratio with ÷ without (throughput; 1.0 = free), the no-op's ratio, and the microseconds per
 * lifecycle of each.
 * Before timing counts, one inspected lifecycle must have been recorded passing open → exiting →
 * closed and ending. Alone: `npx tsx bench/inspector.ts` (BENCH_ROUNDS, default 5).
 */
import { pathToFileURL } from 'node:url';
import type { InspectionObserver } from '../src/ports/inspection.port.js';
import { createInspector } from '../src/service/inspector/inspector.js';
import { exitWorld } from './position-fakes.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BATCH = 10_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const world = (inspect?: InspectionObserver) => exitWorld('B9', inspect);

/** one inspected lifecycle: its recorded top-level path, and whether it ended and left the live list */
async function recordedLifecycle(): Promise<void> {
  const check = createInspector({ clock: { now: () => performance.now() } });
  await world(check.observer).per(1);
  const steps = check.since(0);
  if (steps === 'gap') throw new Error('B9: the check lifecycle overflowed the ring');
  const path: string[] = [];
  for (const e of steps.filter((s) => s.machine === 'position')) {
    const top = (e.state[0] ?? '').split('.')[0]!;
    if (path[path.length - 1] !== top) path.push(top);
  }
  const ended = steps.some((e) => e.kind === 'status' && e.status !== 'active');
  if (!path.join(',').endsWith('open,exiting,closed') || !ended || check.actors().length !== 0) {
    throw new Error(`B9: the inspector did not record the lifecycle (path ${path.join(' → ')}): ${JSON.stringify(steps)}`);
  }
}

export async function runInspectorBenchmarks(): Promise<void> {
  await recordedLifecycle();
  const inspector = createInspector({ clock: { now: () => performance.now() } });
  // a third side separates XState's own cost of inspecting (it builds an event per action, event,
  // microstep and snapshot once any observer is attached) from the normaliser's
  const noop: InspectionObserver = { next() {} };
  const sides = { base: world(), noop: world(noop), cand: world(inspector.observer) };
  for (const side of Object.values(sides)) await side.per(BATCH); // warm-up (JIT)
  const ratios: number[] = [];
  const xstateOnly: number[] = [];
  let last: Record<string, number> = {};
  for (let r = 0; r < ROUNDS; r++) {
    const order = (r % 2 === 0 ? ['base', 'noop', 'cand'] : ['cand', 'noop', 'base']) as Array<keyof typeof sides>;
    const out: Record<string, number> = {};
    for (const side of order) out[side] = await sides[side].per(BATCH);
    // µs per lifecycle: with ÷ without in throughput is without ÷ with in time
    ratios.push(out.base! / out.cand!);
    xstateOnly.push(out.base! / out.noop!);
    last = out;
  }
  const us = (x: number | undefined) => (x ?? 0).toFixed(1);
  console.log(`B9 inspector cost (position lifecycle open → EXIT → sell → fill → closed, with ÷ without the observer): ratio ${median(ratios).toFixed(3)} `
    + `(min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)}); XState's inspection alone (a no-op observer) ${median(xstateOnly).toFixed(3)}; `
    + `last round ${us(last.cand)} µs with, ${us(last.noop)} µs with a no-op observer, ${us(last.base)} µs without, per lifecycle; `
    + `${inspector.lastSeq().toLocaleString('en-US')} events recorded, ${inspector.lastSeq() - inspector.firstSeq() + 1} held`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runInspectorBenchmarks();
