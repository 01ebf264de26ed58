/**
 * Position benchmarks (docs/benchmarks.md §2). Ratios against baselines measured in the
 * same run, interleaved rounds, medians; outputs are checked equal before any timing counts.
 *
 * B1 tick path — W1: 100 symbols, 1,000 positions (10 per symbol), 1,000,000 ticks (mulberry32
 *    seed 42, ±0.1 % steps, 1 ms apart), stop 1–3 %, target 1–3 %, trail 0.5–2 %, hold 60–300 s,
 *    re-armed at the current price after each exit. Engine = Keel's real path: market-data
 *    stream event → PriceFeed (one demultiplexed stream per symbol, snapshot poll when stale) →
 *    exitDecisions(SymbolBook) → the decision through the runtime's keyed decisions stream (the
 *    stream each position actor's inbox consumes: one Map lookup) to that trade's consumer, which
 *    re-arms it as the anchor does. Anchor = a plain loop over position objects. Ratio = engine
 *    ticks/s ÷ loop ticks/s (goal ≥ 0.8).
 * B1 with actors (context, no goal) — the same ticks, but each decision reaches the position's
 *    real actor, whose whole exit then runs (sell, fill through the keyed order stream, close) on an
 *    in-memory broker and store, and the position re-arms as a new trade (a new actor). W1 exits a
 *    position every ≈ 29 ticks, so this measures exits (B2) more than ticks; it is where the
 *    inspector's cost shows.
 * B2 per-exit lifecycle — a position actor created open, EXIT through the decisions stream, its
 *    sell and close steps (in-memory broker and store), the fill through the order stream, final;
 *    vs a bare XState create → EXIT → final probe (goal ≤ 50 µs).
 * Every function takes an optional inspection observer, handed to each actor (the inspector's cost).
 * B3 memory — heap per open position (actor + exit-book slot) after GC (goal ≤ 8 KB), and the
 *    cost of opening 10,000 vs ten times 1,000 (goal ≤ 1.5).
 */
import { Observable, Subject, type SchedulerLike, Subscription } from 'rxjs';
import { createActor, createMachine, fromEventObservable, fromPromise } from 'xstate';
import { positionMachine, type PositionMachineContext, type PositionMachineEvent, type SubmitResult } from '../src/machines/position.machine.js';
import { KeyedSubject } from '../src/streams/keyed-subject.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SymbolBook } from '../src/core/exits/symbol-book.js';
import type { ExitDecision, ExitSettings } from '../src/core/exits/exit.types.js';
import { Decimal } from '../src/domain/money.js';
import type { Trade } from '../src/domain/trade.js';
import type { MarketDataEvent, MarketDataStreamPort } from '../src/ports/market-data.port.js';
import { exitDecisions } from '../src/streams/operators/exit-decisions.js';
import { PriceFeed } from '../src/streams/price-feed.js';
import { PositionActor, type PositionActorDeps } from '../src/actors/position.actor.js';
import { PositionRuntime } from '../src/actors/position-runtime.js';
import { benchClock, benchServices, exitWorld, settle, T0, trade } from './position-fakes.js';
import { mulberry32, plainLoop, POSITIONS, precomputedLoop, symbolName, SYMBOLS, workload, type Outcome, type W1 } from './position-workload.js';
import type { InspectionObserver } from '../src/ports/inspection.port.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
setFlagsFromString('--expose-gc');
/** a full collection: B1's sides each start from a clean heap (the actors side leaves much garbage), B3 measures after it */
const gc = runInNewContext('gc') as () => void;
const TICKS = Number(process.env.BENCH_TICKS ?? 1_000_000), WARMUP = 100_000;
const REASON_CODE: Record<string, number> = { hard_stop: 1, trailing_stop: 2, profit_target: 3, time_exit: 4 };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[], d = 3) => `${median(xs).toFixed(d)} (min ${Math.min(...xs).toFixed(d)}, max ${Math.max(...xs).toFixed(d)})`;

/** a scheduler whose timers never fire: the stream is never stale during the run */
const idleScheduler: SchedulerLike = { now: () => 0, schedule: () => new Subscription() };

/**
 * The W1 market for Keel's path: a market-data stream, the PriceFeed over it, one SymbolBook per
 * symbol; watch() pipes each symbol's exit decisions to `onDecision`, tick(i) sends W1's i-th tick
 * (one reusable event per symbol: the adapter's parse, bench B0, is not part of this path, and the
 * dispatcher copies what it needs into a fresh PriceTick synchronously).
 */
function tickRig(w: W1) {
  const events$ = new Subject<MarketDataEvent>();
  const stream: MarketDataStreamPort = { events$, subscribe: () => undefined, unsubscribe: () => undefined, start: () => undefined, stop: async () => undefined };
  const feed = new PriceFeed({ stream, marketData: { getSnapshots: async () => ({}), getLatestTrades: async () => ({}), getBars: async () => ({}) }, scheduler: idleScheduler });
  const base: ExitSettings = { hardStopLossPct: 2, profitTargetPct: 2, trailingStopPct: 1, maxHoldDurationSec: 60, forceCloseAt: null };
  const books = Array.from({ length: SYMBOLS }, (_, s) => new SymbolBook(symbolName(s), base));
  const overrides = w.params.map((p) => ({ hardStopLossPct: p.stopPct, profitTargetPct: p.targetPct, trailingStopPct: p.trailPct, maxHoldDurationSec: p.holdSec }));
  const events = Array.from({ length: SYMBOLS }, (_, s) => ({ type: 'trade' as const, trade: { symbol: symbolName(s), t: 0, price: 0, size: 100, exchange: 'V', id: 0, conditions: [], tape: 'C' } }));
  return {
    books, overrides,
    watch: (onDecision: (d: ExitDecision) => void) => books.map((book) => feed.watch(book.symbol).pipe(exitDecisions(book)).subscribe(onDecision)),
    tick(i: number) {
      const event = events[w.sym[i]!]!;
      event.trade.t = T0 + i;
      event.trade.price = w.px[i]!;
      events$.next(event);
    },
  };
}

/**
 * Keel's tick path up to the position: stream events → PriceFeed → exitDecisions(SymbolBook) → the
 * keyed decisions stream → the trade's consumer (here the anchor's re-arm, in place of an actor).
 */
export function handoffPath(w: W1, from: number, to: number): Outcome {
  const { books, overrides, watch, tick } = tickRig(w);
  const decisions = new PositionRuntime(benchClock).decisions;
  let exits = 0, checksum = 0;
  for (let i = 0; i < POSITIONS; i++) {
    const id = `p${i}`;
    const s = i % SYMBOLS;
    decisions.attach(id, (d) => {
      exits++;
      checksum = (checksum + REASON_CODE[d.reason]! * 1_000_003 + Math.round(d.price * 100)) % 1e15;
      books[s]!.add({ tradeId: id, symbol: symbolName(s), entryPrice: d.price, entryAt: d.at, peakPrice: d.price }, overrides[i]);
    });
    books[s]!.add({ tradeId: id, symbol: symbolName(s), entryPrice: w.start[s]!, entryAt: T0, peakPrice: w.start[s]! }, overrides[i]);
  }
  const subs = watch((d) => { decisions.next(d.tradeId, d); });
  for (let i = from; i < to; i++) tick(i);
  for (const s of subs) s.unsubscribe();
  return { exits, checksum };
}

/**
 * Keel's tick path: stream events → PriceFeed → exitDecisions(SymbolBook) → the supervisor's
 * decision hand-off (its actors Map, the peak) → the keyed decisions stream → the position's actor,
 * whose exit then runs to `closed`; the position re-arms as a new trade (a new actor).
 */
async function enginePath(w: W1, from: number, to: number, inspect?: InspectionObserver): Promise<Outcome> {
  const { books, overrides, watch, tick } = tickRig(w);
  const trades = new Map<string, Trade>();
  const runtime = new PositionRuntime(benchClock);
  const services = benchServices(trades, runtime);
  const actors = new Map<string, { actor: PositionActor; i: number }>();
  let exits = 0, checksum = 0, closed = 0, failures = 0, gen = 0;
  const deps: PositionActorDeps = {
    ...services, clock: benchClock, emit: (e) => { if (e.type === 'closed') closed++; }, resolve: {}, stopPolicy: () => ({ mode: 'off' as const, level: null }),
    arm: (view) => books[actors.get(view.tradeId)!.i % SYMBOLS]!.add(view, overrides[actors.get(view.tradeId)!.i]),
    disarm: (view) => { books[Number(view.symbol.slice(1))]!.remove(view.tradeId); },
    finished: (host) => { actors.delete(host.trade.id); (host as PositionActor).stop(); trades.delete(host.trade.id); },
    failed: () => { failures++; },
  };
  const open = (i: number, price: number, at: number) => {
    const id = `p${i}-${gen++}`;
    const t: Trade = { ...trade, id, symbol: symbolName(i % SYMBOLS), entryPrice: new Decimal(price), peakPrice: new Decimal(price), entryAt: at, entryClientOrderId: `c-${id}` };
    trades.set(id, t);
    const entry = { actor: null as unknown as PositionActor, i };
    actors.set(id, entry);
    entry.actor = new PositionActor(t, deps, runtime, inspect).start();
  };
  for (let i = 0; i < POSITIONS; i++) open(i, w.start[i % SYMBOLS]!, T0);
  const onDecision = (d: ExitDecision) => {
    const entry = actors.get(d.tradeId);
    if (!entry) return;
    if (d.price > entry.actor.view.peakPrice) entry.actor.view.peakPrice = d.price;
    runtime.decisions.next(d.tradeId, d);
    exits++;
    checksum = (checksum + REASON_CODE[d.reason]! * 1_000_003 + Math.round(d.price * 100)) % 1e15;
    open(entry.i, d.price, d.at);
  };
  const subs = watch(onDecision);
  for (let i = from; i < to; i++) {
    tick(i);
    // the event loop turns between socket reads: the exits' steps run, as they would live
    if ((i & 4095) === 4095) await settle();
  }
  while (closed < exits) await settle();
  for (const s of subs) s.unsubscribe();
  for (const { actor } of actors.values()) actor.stop();
  if (failures > 0) throw new Error(`B1: ${failures} actor step(s) failed`);
  return { exits, checksum };
}

async function b1(inspect?: InspectionObserver): Promise<void> {
  const w = workload(WARMUP + TICKS);
  const n = WARMUP + TICKS;
  const a = plainLoop(w, 0, n);
  const p = precomputedLoop(w, 0, n);
  const h = handoffPath(w, 0, n);
  const e = await enginePath(w, 0, n, inspect);
  for (const [name, o] of [['precomputed loop', p], ['engine', h], ['engine with actors', e]] as const) {
    if (a.exits !== o.exits || a.checksum !== o.checksum) throw new Error(`B1 outputs differ: loop ${JSON.stringify(a)} vs ${name} ${JSON.stringify(o)}`);
  }
  const sides: Record<string, (ww: W1, f: number, t: number) => unknown> = {
    loop: plainLoop, precomputed: precomputedLoop, engine: handoffPath, actors: (ww, f, t) => enginePath(ww, f, t, inspect),
  };
  const ratios: number[] = [];
  const strict: number[] = [];
  const withActors: number[] = [];
  let last: Record<string, number> = {};
  for (let r = 0; r < ROUNDS; r++) {
    const order = Object.keys(sides).sort(() => (mulberry32(r)() < 0.5 ? -1 : 1));
    if (r % 2 === 1) order.reverse();
    const out: Record<string, number> = {};
    for (const side of order) {
      // not the garbage of the side before (the actors' side makes a lot): each side on a clean heap
      gc();
      const t = performance.now();
      await sides[side]!(w, 0, n);
      out[side] = n / ((performance.now() - t) / 1000);
    }
    ratios.push(out.engine! / out.loop!);
    strict.push(out.engine! / out.precomputed!);
    withActors.push(out.actors! / out.loop!);
    last = out;
  }
  const rate = (x: number | undefined) => Math.round(x ?? 0).toLocaleString('en-US');
  if (!inspect) {
    console.log(`B1 tick path (${a.exits} exits, checksum ${a.checksum}, equal in all four): engine/plain loop ${fmt(ratios)} [goal ≥ 0.8]; ` +
      `engine/precomputed-threshold loop ${fmt(strict)}; last round engine ${rate(last.engine)}, loop ${rate(last.loop)}, precomputed ${rate(last.precomputed)} ticks/s`);
  }
  console.log(`B1 with actors${inspect ? ' (inspected)' : ''} (every exit a real actor's whole lifecycle): ÷ plain loop ${fmt(withActors)}; last round ${rate(last.actors)} ticks/s, ` +
    `${rate((last.actors ?? 0) * a.exits / n)} exits/s`);
}

// ---- B2 -----------------------------------------------------------------------------------------
const bareMachine = createMachine({ initial: 'open', states: { open: { on: { EXIT: 'done' } }, done: { type: 'final' } } });

/**
 * The floor under B2: the position machine alone, as the runtime provides it (the invoked inbox over
 * a keyed stream, the invoked promise while submitting) but with effects that do nothing — what
 * XState costs for this lifecycle's actors and steps before Keel does any work.
 */
function machineFloor(inspect?: InspectionObserver): () => Promise<number> {
  const inbox = new KeyedSubject<string, PositionMachineEvent>();
  const none = () => undefined;
  const machine = positionMachine.provide({
    actors: {
      inbox: fromEventObservable(({ input }) => new Observable<PositionMachineEvent>((s) => inbox.attach(input.tradeId, (e) => s.next(e)))),
      submitExit: fromPromise<SubmitResult, PositionMachineContext>(async () => ({ kind: 'accepted' })),
    },
    // broker stops off, as in the actor side (bench/position-fakes.ts): the stop region stays idle
    guards: { noWorkingEntry: () => true, stopsOff: () => true },
    actions: {
      recordEntry: none, recordCancelled: none, cancelEntry: none, arm: none, disarm: none, recordClosed: none,
      exitFailed: none, gaveUp: none, flatAtBroker: none, stepFailed: none, inboxFailed: none, recordStopExit: none, stopMissing: none,
    },
  });
  const N = 20_000;
  let seq = 0;
  return async () => {
    const start = performance.now();
    let batch: string[] = [];
    let done = 0;
    for (let i = 0; i < N; i++) {
      const id = `f${++seq}`;
      const actor = createActor(machine, { input: { tradeId: id, symbol: 'AAPL', restored: 'open', unsentExit: false, attempt: 0, intent: null, since: T0 } });
      if (inspect) actor.system.inspect(inspect);
      actor.subscribe({ complete: () => { done++; } });
      actor.start();
      inbox.next(id, { type: 'EXIT', reason: 'hard_stop', price: 92, detail: 'bench', at: T0 });
      batch.push(id);
      if (batch.length === 1_000) {
        await settle();
        for (const b of batch) inbox.next(b, { type: 'EXIT_FILLED' });
        batch = [];
      }
    }
    await settle();
    if (done !== N) throw new Error(`B2 floor: ${done} of ${N} lifecycles finished`);
    return ((performance.now() - start) * 1000) / N;
  };
}

async function b2(inspect?: InspectionObserver): Promise<void> {
  // open (restored: no entry), EXIT through the decisions stream; the sell, its fill and the close follow on the queue
  const world = exitWorld('B2', inspect);
  const floor = machineFloor(inspect);
  const bare = () => {
    const a = createActor(bareMachine, inspect ? { inspect } : {}).start();
    a.send({ type: 'EXIT' });
    if (a.getSnapshot().status !== 'done') throw new Error('B2 probe did not finish');
  };
  const N = 20_000;
  const keel = () => world.per(N);
  const per = async (fn: () => void) => {
    const t = performance.now();
    for (let i = 0; i < N; i++) fn();
    return ((performance.now() - t) * 1000) / N;
  };
  await keel(); await per(bare); await floor();
  const ratios: number[] = [];
  const floors: number[] = [];
  const micros: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const k = r % 2 === 0 ? await keel() : 0;
    const b = await per(bare);
    const f = await floor();
    const k2 = r % 2 === 0 ? k : await keel();
    micros.push(k2);
    ratios.push(k2 / b);
    floors.push(f / b);
  }
  console.log(`B2 per-exit lifecycle${inspect ? ' (inspected)' : ''}: ${fmt(micros, 1)} µs [goal ≤ 50]; ÷ bare XState create→EXIT→final ${fmt(ratios, 2)}; ` +
    `the machine alone (effects that do nothing) ÷ bare ${fmt(floors, 2)}`);
}

// ---- B3 -----------------------------------------------------------------------------------------

function openPositions(k: number, inspect?: InspectionObserver): { actors: PositionActor[]; book: SymbolBook } {
  const settings: ExitSettings = { hardStopLossPct: 7, profitTargetPct: 10, trailingStopPct: null, maxHoldDurationSec: 300, forceCloseAt: null };
  const book = new SymbolBook('AAPL', settings);
  const runtime = new PositionRuntime(benchClock);
  const deps: PositionActorDeps = {
    store: null as never, broker: null as never, clock: benchClock,
    emit: () => undefined, arm: (view) => book.add(view), disarm: (view) => { book.remove(view.tradeId); }, route: () => undefined,
    finished: () => undefined, failed: () => undefined, resolve: {}, stopPolicy: () => ({ mode: 'off' as const, level: null }),
  };
  const actors: PositionActor[] = [];
  for (let i = 0; i < k; i++) actors.push(new PositionActor({ ...trade, id: `t${i}`, entryClientOrderId: `c${i}` }, deps, runtime, inspect).start());
  return { actors, book };
}

async function b3(inspect?: InspectionObserver): Promise<void> {
  const warm = openPositions(1_000, inspect); // warm-up (JIT)
  await Promise.all(warm.actors.map((a) => a.idle()));
  gc(); gc();
  const before = process.memoryUsage().heapUsed;
  const held = openPositions(10_000, inspect);
  // an open position at rest: its protective-stop region has made its first sync (a promise child
  // actor and a queued step while it runs), as every position has within milliseconds of opening
  await Promise.all(held.actors.map((a) => a.idle()));
  gc(); gc();
  const perPosition = (process.memoryUsage().heapUsed - before) / 10_000;
  if (held.book.size !== 10_000) throw new Error('B3 book does not hold every position');
  const scaling: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t = performance.now();
    for (let j = 0; j < 10; j++) openPositions(1_000, inspect);
    const ten = performance.now() - t;
    t = performance.now();
    openPositions(10_000, inspect);
    scaling.push((performance.now() - t) / ten);
  }
  console.log(`B3 memory${inspect ? ' (inspected)' : ''}: ${(perPosition / 1024).toFixed(2)} KB per open position [goal ≤ 8]; open 10,000 ÷ 10 × 1,000: ${fmt(scaling, 2)} [goal ≤ 1.5]`);
}

/** B1–B3; `inspect`: the inspection observer every actor is created with (the inspector's cost) */
export async function runPositionBenchmarks(inspect?: InspectionObserver): Promise<void> {
  // BENCH_ONLY=b2,b3 runs just those (profiling one figure)
  const only = process.env.BENCH_ONLY?.split(',');
  if (!only || only.includes('b1')) await b1(inspect);
  if (!only || only.includes('b2')) await b2(inspect);
  if (!only || only.includes('b3')) await b3(inspect);
}

if (import.meta.url === `file://${process.argv[1]}`) await runPositionBenchmarks();
