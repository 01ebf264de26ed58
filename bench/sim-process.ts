/**
 * The simulated exchange for B6, in a CHILD process (`node --import tsx bench/sim-process.ts CONFIG`,
 * forked by bench/latency-rig.ts with an IPC channel). Real Alpaca is another machine: with the sim
 * in Keel's process, every account read, fill and stream frame it served was CPU taken from Keel's
 * event loop inside the measured path.
 * Protocol:
 *  - argv[2]: JSON SimProcessConfig;
 *  - stdout: exactly one JSON line, SimProcessReady (URLs), once both servers listen;
 *  - IPC: one SimArrival per POST /v2/orders head and per probe request head, stamped with
 *    performance.timeOrigin + performance.now() (epoch ms, sub-ms) so the parent can place it on
 *    its own timeline; the probe server lets the parent check that cross-process stamp;
 *  - IPC from the parent 'stats' → one SimStats: the sim's own service time per route (head arrival →
 *    response finished) and its event-loop delay over the run, to tell the sim's time from Keel's;
 *  - the child exits when the IPC channel closes (parent gone or done) or on SIGTERM.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createSimExchange } from '../src/adapters/sim/engine/sim-exchange.js';
import { createSimServer } from '../src/adapters/sim/server/sim-server.js';
import { systemClock } from '../src/clock/system.clock.js';
import type { Clock } from '../src/ports/clock.port.js';

export interface SimProcessConfig {
  /** the parent's clock: sessionStart at the wall (epoch) time anchorWallMs, then real elapsed time */
  sessionStart: number;
  anchorWallMs: number;
  symbols: Record<string, number>;
  startingCash: number;
  seed: number;
  rateLimitPerMinute: number;
}
export interface SimProcessReady { tradingUrl: string; dataUrl: string; dataStreamUrl: string; probeUrl: string }
export interface SimArrival { kind: 'order' | 'probe'; t: number }
export interface SimStats { kind: 'stats'; serviceMs: Record<string, { n: number; p50: number; p99: number }>; loopDelayMs: { p50: number; p99: number; max: number } }

const SYNC_EVERY_MS = 250;
const LOOP_RESOLUTION_MS = 1;
const wallNow = () => performance.timeOrigin + performance.now();

const send = (m: SimArrival | SimStats) => { if (process.connected) process.send!(m); };

const ROUTES = ['POST /v2/orders', 'GET /v2/account', 'GET /v2/positions', 'GET /v2/orders'];
const service: Record<string, number[]> = {};
function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? 0;
}
/** times each request from its head's arrival to the last byte handed to the socket */
function timeRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
  const start = performance.now();
  const head = `${req.method} ${(req.url ?? '').split('?')[0]}`;
  const route = ROUTES.includes(head) ? head : `other ${head.replace(/[0-9a-f-]{36}/g, ':id').replace(/\/v2\/orders\/[^/]+$/, '/v2/orders/:x')}`;
  res.once('finish', () => { (service[route] ??= []).push(performance.now() - start); });
}
function stats(delay: ReturnType<typeof monitorEventLoopDelay>): SimStats {
  const serviceMs = Object.fromEntries(Object.entries(service).map(([k, v]) => [k, { n: v.length, p50: pct(v, 0.5), p99: pct(v, 0.99) }]));
  // the histogram holds whole sampling intervals: an idle loop reads ≈ the 1 ms resolution, so only the excess is delay
  const late = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
  return { kind: 'stats', serviceMs, loopDelayMs: { p50: late(delay.percentile(50)), p99: late(delay.percentile(99)), max: late(delay.max) } };
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? '') as SimProcessConfig;
  if (!process.send) throw new Error('sim-process needs an IPC channel (fork it)');
  // the same timeline as the parent's session clock, so order and fill times agree with Keel's
  const clock: Clock = { now: () => cfg.sessionStart + Math.floor(wallNow() - cfg.anchorWallMs), sleep: systemClock.sleep };
  const core = createSimExchange({ clock, seed: cfg.seed, pinnedOpen: true, startingCash: cfg.startingCash, symbols: cfg.symbols });
  const sim = await createSimServer({
    core, clock, rateLimitPerMinute: cfg.rateLimitPerMinute, onError: (e) => console.error('[bench sim]', e),
    onRequest: (req, res) => {
      if (req.method === 'POST' && req.url === '/v2/orders') send({ kind: 'order', t: wallNow() });
      timeRequest(req, res);
    },
  });
  const delay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  delay.enable();
  process.on('message', (m) => { if (m === 'stats') send(stats(delay)); });
  const probe = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
  probe.prependListener('request', () => send({ kind: 'probe', t: wallNow() }));
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const timer = setInterval(() => {
    try { core.sync(); } catch (e) { console.error('[bench sim sync]', e); }
  }, SYNC_EVERY_MS);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    probe.closeAllConnections();
    probe.close();
    // a hung close must not keep an orphan alive
    setTimeout(() => process.exit(0), 2_000).unref();
    void sim.close().finally(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  const ready: SimProcessReady = {
    tradingUrl: sim.tradingUrl, dataUrl: sim.dataUrl, dataStreamUrl: sim.dataStreamUrl('iex'),
    probeUrl: `http://127.0.0.1:${(probe.address() as AddressInfo).port}/`,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

main().catch((e: unknown) => {
  console.error('[bench sim-process]', e);
  process.exit(1);
});
