/**
 * B6 (docs/benchmarks.md, B6a and B6b): latency to the exchange, on the rig of latency-rig.ts.
 *  - B6a tick → exit order POST first byte at the sim: one open position per symbol; a tick far
 *    below entry fires the hard stop. Target p99 ≤ 1 ms.
 *  - B6b signal POST /api/signals (Keel's HTTP API on loopback) → entry order POST first byte at
 *    the sim. Target p99 ≤ 5 ms. Its entries are the positions B6a then exits, so each round
 *    re-opens what the previous one closed.
 *  - Baseline, same run: a node:http loopback round trip to a plain server in the sim's child
 *    process (the same hop Keel → sim makes); ratios are p99 ÷ its p50. Its request head is stamped
 *    in the child the same way as order POSTs, which checks the cross-process stamps: the one-way
 *    times must lie inside the round trip (never negative). An in-process loopback is shown too.
 * Rounds interleave baseline, entries and exits; a warm-up round is discarded. One sample at a
 * time (the next starts after the previous trade opened / closed), and a sample counts only after
 * its outputs were checked: the right symbol and side reached the adapter, the trade opened /
 * closed with reason hard_stop. Steps are stamped to show where the time goes.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { filter, firstValueFrom, type Observable } from 'rxjs';
import type { PositionEvent } from '../src/actors/position-supervisor.types.js';
import { createPostgresTradeStore } from '../src/adapters/postgres/trade-store.js';
import { dec } from '../src/domain/money.js';
import { API_TOKEN, benchSymbols, startLatencyRig, type LatencyRig, type OrderFetch } from './latency-rig.js';

const PER_ROUND = 100;
const ROUNDS = Number(process.env.BENCH_B6_ROUNDS ?? 10);
const WAIT_MS = 10_000;

type Samples = Record<string, number[]>;
const push = (s: Samples, key: string, v: number) => { (s[key] ??= []).push(v); };

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

/** rejects after WAIT_MS: a lost event must fail the bench, not hang it */
function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`B6: no ${what} within ${WAIT_MS} ms`)), WAIT_MS); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const next = <T>(o: Observable<T>, match: (v: T) => boolean, what: string) => within(firstValueFrom(o.pipe(filter(match))), what);
const position = <T extends PositionEvent['type']>(rig: LatencyRig, type: T, match: (e: Extract<PositionEvent, { type: T }>) => boolean) =>
  next(rig.supervisor.events$, (e) => e.type === type && match(e as Extract<PositionEvent, { type: T }>), type) as Promise<Extract<PositionEvent, { type: T }>>;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function request(url: string, method: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: body ? { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function loopbackRound(url: string, s: Samples): Promise<void> {
  for (let i = 0; i < PER_ROUND; i++) {
    const t0 = performance.now();
    const res = await request(url, 'GET');
    const t1 = performance.now();
    if (res.status !== 200 || res.body !== 'ok') throw new Error('B6 baseline: wrong loopback answer');
    push(s, 'loopback in-process', t1 - t0);
  }
}

/** round trips to the child's probe server, with its head-arrival stamp from the child */
async function childLoopbackRound(rig: LatencyRig, s: Samples): Promise<void> {
  for (let i = 0; i < PER_ROUND; i++) {
    const arrived = next(rig.probeArrivals$, () => true, 'probe arrival');
    const t0 = performance.now();
    const res = await request(rig.probeUrl, 'GET');
    const t1 = performance.now();
    const tChild = await arrived;
    if (res.status !== 200 || res.body !== 'ok') throw new Error('B6 baseline: wrong answer from the sim child');
    push(s, 'loopback', t1 - t0);
    push(s, 'loopback send → child first byte', tChild - t0);
    push(s, 'loopback child first byte → answer', t1 - tChild);
  }
}

/** B6b: one signal at a time; returns each symbol's open trade and entry price */
async function entryRound(rig: LatencyRig, symbols: string[], round: number, s: Samples): Promise<Map<string, { tradeId: string; entry: number }>> {
  const open = new Map<string, { tradeId: string; entry: number }>();
  for (const symbol of symbols) {
    const opened = position(rig, 'opened', (e) => e.symbol === symbol);
    const fetched = next(rig.fetches$, (f: OrderFetch) => f.symbol === symbol, `entry fetch ${symbol}`);
    const posted = next(rig.orderPosts$, () => true, `entry POST ${symbol}`);
    const body = JSON.stringify({ id: `b6-${round}-${symbol}`, symbol, side: 'buy', catalystType: 'earnings', catalystTier: 1 });
    const t0 = performance.now();
    const res = await request(`${rig.keelUrl}/api/signals`, 'POST', body, { authorization: `Bearer ${API_TOKEN}` });
    const tAnswer = performance.now();
    // a refusal says why at once (rather than as a missing fill ten seconds later)
    if (res.status !== 202 || !/"(fired|received)"/.test(res.body)) throw new Error(`B6b: signal for ${symbol} was not fired: ${res.status} ${res.body}`);
    const [f, tSim, o] = await Promise.all([fetched, posted, opened]);
    // `received`: the decision needed a broker read first (a cold cache); it must still have fired
    const decided = res.body.includes('"received"') ? await rig.pipeline.decision(`b6-${round}-${symbol}`) : null;
    if (res.status !== 202 || !(res.body.includes('"fired"') || decided?.outcome === 'fired')) throw new Error(`B6b: signal for ${symbol} was not fired: ${res.status} ${res.body}`);
    if (f.side !== 'buy' || !(tSim >= f.t)) throw new Error(`B6b: the entry of ${symbol} is not the order that reached the sim`);
    push(s, 'b6b', tSim - t0);
    push(s, 'b6b signal POST → 202 answer', tAnswer - t0);
    push(s, 'b6b signal POST → adapter fetch(POST /v2/orders)', f.t - t0);
    push(s, 'b6b fetch → sim first byte', tSim - f.t);
    // where the time before the order went: the broker REST calls the evaluation awaited, and the rest
    // (calls may overlap: the wall time they cover counts once)
    const before = rig.restCalls.filter((c) => c.start >= t0 && c.start < f.t);
    const rest = covered(before.map((c) => [c.start, Math.min(c.end, f.t)] as const));
    push(s, 'b6b   of which awaiting broker REST before the order', rest);
    push(s, 'b6b   of which Keel itself (DB, checks, queueing)', f.t - t0 - rest);
    for (const c of before) push(s, `b6b     one ${c.method} ${c.path}`, c.end - c.start);
    rig.restCalls.length = 0;
    open.set(symbol, { tradeId: o.tradeId, entry: Number(o.entryPrice) });
  }
  return open;
}

const COLD_SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 20);

/**
 * signal → answer with cold caches: each sample is the first signal of a freshly started pipeline
 * (empty account cache, like the first signal after a restart), in process; the decision still
 * has to fire (checked), but the answer does not wait for it
 */
async function coldAnswers(rig: LatencyRig, symbols: string[]): Promise<{ answers: number[]; received: number }> {
  const answers: number[] = [];
  let received = 0;
  for (const symbol of symbols.slice(0, COLD_SAMPLES)) {
    const p = rig.coldPipeline();
    const id = `cold-${symbol}`;
    const t0 = performance.now();
    const answer = await p.ingestSignal({
      id, symbol, side: 'buy', catalystType: 'earnings', catalystTier: 1, aiConfidence: null, stars: null, confidence: null,
      strategy: null, priceAtSignal: null, stopLossPrice: null, takeProfitPrice: null, floatShares: null, relativeVolume: null,
    });
    answers.push(performance.now() - t0);
    if (answer.outcome === 'received') received++;
    const decided = await within(p.decision(id), `decision of ${id}`);
    if (decided?.outcome !== 'fired') throw new Error(`cold: signal ${id} was not fired: ${JSON.stringify(decided)}`);
    await p.idle();
  }
  return { answers, received };
}

/** B6a: one exit at a time, from the tick to the sell's first byte at the sim */
async function exitRound(rig: LatencyRig, open: Map<string, { tradeId: string; entry: number }>, s: Samples): Promise<void> {
  for (const [symbol, { tradeId, entry }] of open) {
    // stamped inside the emit (a promise would stamp a few microtask hops later)
    let tDecided = 0;
    const stamp = rig.supervisor.events$.subscribe((e) => { if (e.type === 'exit_decided' && e.tradeId === tradeId && tDecided === 0) tDecided = performance.now(); });
    const decided = position(rig, 'exit_decided', (e) => e.tradeId === tradeId);
    const closed = position(rig, 'closed', (e) => e.tradeId === tradeId);
    const fetched = next(rig.fetches$, (f: OrderFetch) => f.symbol === symbol, `exit fetch ${symbol}`);
    const posted = next(rig.orderPosts$, () => true, `exit POST ${symbol}`);
    const tick = { symbol, t: rig.clock.now(), price: entry * 0.5, size: 100, exchange: 'V', id: null, conditions: [], tape: 'C' };
    const t0 = performance.now();
    rig.ticks.next({ type: 'trade', trade: tick });
    const [d, f, tSim, c] = await Promise.all([decided, fetched, posted, closed]).finally(() => stamp.unsubscribe());
    if (d.reason !== 'hard_stop' || c.reason !== 'hard_stop' || f.side !== 'sell' || !(tSim >= f.t)) {
      throw new Error(`B6a: the exit of ${symbol} is wrong (${d.reason}/${c.reason}, ${f.side})`);
    }
    push(s, 'b6a', tSim - t0);
    push(s, 'b6a tick → exit_decided (rules, actor, exit-intent DB write)', tDecided - t0);
    push(s, 'b6a exit_decided → adapter fetch(POST /v2/orders)', f.t - tDecided);
    push(s, 'b6a fetch → sim first byte', tSim - f.t);
    // Keel's own follow-up REST traffic (e.g. account re-reads after the previous fill) that overlapped
    // the sample: its responses are handled on the event loop the exit also needs
    const others = rig.restCalls.filter((c) => !(c.method === 'POST' && c.start === f.t) && c.start < tSim && c.end > t0);
    push(s, 'b6a   of which other broker REST calls in flight', covered(others.map((c) => [Math.max(c.start, t0), Math.min(c.end, tSim)] as const)));
    rig.restCalls.length = 0;
  }
}

/** the exit path's DB step alone: the exit-intent write's shape (trade UPDATE + journal INSERT in
 *  one transaction) on a trade the round closed, and the floor, an empty read transaction */
async function dbSteps(rig: LatencyRig, tradeId: string, s: Samples): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await createPostgresTradeStore(rig.db).saveStep(tradeId, { peakPrice: dec(1) }, {
      kind: 'state_transition', cause: 'position', message: 'bench B6 probe', data: { tradeId, from: 'open', to: 'exiting' },
    }, rig.clock.now());
    const t1 = performance.now();
    await rig.db.transaction().execute(async (tx) => tx.selectFrom('bot_config').select('state').execute());
    push(s, 'db exit-intent write alone', t1 - t0);
    push(s, 'db floor (BEGIN; SELECT; COMMIT)', performance.now() - t1);
  }
}

/** total length of the union of intervals */
function covered(intervals: ReadonlyArray<readonly [number, number]>): number {
  let total = 0;
  let reach = -Infinity;
  for (const [a, b] of [...intervals].sort((x, y) => x[0] - y[0])) {
    if (b <= reach) continue;
    total += b - Math.max(a, reach);
    reach = b;
  }
  return total;
}

const ms = (v: number) => `${v.toFixed(3)} ms`;

export async function runLatencyBenchmarks(): Promise<void> {
  const started = performance.now();
  const symbols = benchSymbols(PER_ROUND);
  const baseline = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
  await new Promise<void>((resolve) => baseline.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}/`;
  const rig = await startLatencyRig(symbols);
  try {
    const s: Samples = {};
    for (let round = 0; round <= ROUNDS; round++) {
      const r: Samples = round === 0 ? {} : s; // round 0 warms up and is discarded
      await loopbackRound(baseUrl, r);
      await childLoopbackRound(rig, r);
      const open = await entryRound(rig, symbols, round, r);
      await exitRound(rig, open, r);
      await dbSteps(rig, [...open.values()][0]!.tradeId, r);
    }
    const cold = await coldAnswers(rig, symbols);
    const loop50 = pct(s['loopback']!, 0.5);
    console.log(`B6 latency (${ROUNDS} rounds × ${PER_ROUND}, ${((performance.now() - started) / 1000).toFixed(1)} s incl. PostgreSQL start):`);
    console.log(`  loopback HTTP round trip to the sim's child process: p50 ${ms(loop50)}, p99 ${ms(pct(s['loopback']!, 0.99))}`);
    for (const key of ['loopback send → child first byte', 'loopback child first byte → answer']) {
      console.log(`    ${key.slice('loopback '.length)}: p50 ${ms(pct(s[key]!, 0.5))}, p99 ${ms(pct(s[key]!, 0.99))}, min ${ms(Math.min(...s[key]!))}`);
    }
    // a negative one-way time means the two processes' timeOrigins disagree: then B6's figures are off by that much
    const skew = Math.min(...s['loopback send → child first byte']!, ...s['loopback child first byte → answer']!);
    console.log(`    cross-process stamps: ${skew >= 0 ? 'consistent (every one-way time ≥ 0)' : `INCONSISTENT by up to ${ms(-skew)}`}`);
    console.log(`  loopback HTTP round trip in-process: p50 ${ms(pct(s['loopback in-process']!, 0.5))}, p99 ${ms(pct(s['loopback in-process']!, 0.99))}`);
    const warm = s['b6b signal POST → 202 answer']!;
    console.log(`signal → 202, warm caches (HTTP, the B6b signals): n=${warm.length} p50 ${ms(pct(warm, 0.5))}, p99 ${ms(pct(warm, 0.99))}`);
    console.log(`signal → answer, cold caches (a fresh pipeline's first signal, in process): n=${cold.answers.length} p50 ${ms(pct(cold.answers, 0.5))}, ` +
      `p99 ${ms(pct(cold.answers, 0.99))}; ${cold.received} answered received (the decision then read the account)`);
    for (const [key, label, target] of [['b6a', 'B6a tick → exit POST first byte', 1], ['b6b', 'B6b signal POST → entry POST first byte', 5]] as const) {
      const p99 = pct(s[key]!, 0.99);
      console.log(`${label}: n=${s[key]!.length} p50 ${ms(pct(s[key]!, 0.5))}, p99 ${ms(p99)} (target ≤ ${target} ms: ${p99 <= target ? 'met' : 'MISSED'}); ` +
        `p99 ÷ loopback p50 = ${(p99 / loop50).toFixed(1)}`);
      for (const step of Object.keys(s).filter((k) => k.startsWith(`${key} `))) {
        console.log(`    ${step.slice(key.length + 1)}: p50 ${ms(pct(s[step]!, 0.5))}, p99 ${ms(pct(s[step]!, 0.99))}`);
      }
    }
    for (const key of ['db exit-intent write alone', 'db floor (BEGIN; SELECT; COMMIT)']) {
      console.log(`  ${key}: p50 ${ms(pct(s[key]!, 0.5))}, p99 ${ms(pct(s[key]!, 0.99))}`);
    }
    // the sim's side (whole run incl. warm-up): what of "fetch → sim first byte" and of the REST
    // waits is the sim being busy rather than Keel
    const sim = await within(rig.simStats(), 'sim stats');
    console.log(`  sim child event-loop delay: p50 ${ms(sim.loopDelayMs.p50)}, p99 ${ms(sim.loopDelayMs.p99)}, max ${ms(sim.loopDelayMs.max)}`);
    for (const [route, v] of Object.entries(sim.serviceMs)) {
      console.log(`  sim child service time ${route}: n=${v.n} p50 ${ms(v.p50)}, p99 ${ms(v.p99)}`);
    }
  } finally {
    await rig.close();
    agent.destroy();
    baseline.closeAllConnections();
    await new Promise<void>((resolve) => baseline.close(() => resolve()));
  }
}
