/**
 * The stream-gap gate end to end: the pipeline, the real position supervisor, the
 * lifecycle wiring and the service's safety jobs on real PostgreSQL, the simulated exchange over
 * loopback through the real Alpaca adapter, one ManualClock for Keel and the exchange. The sim
 * refuses the trade stream to keep it down across reconnects. Every wait is for a concrete event.
 * stream drop → entries denied → an exit fills unseen by the stream → the stream-gap monitor's REST
 * confirmation closes the trade → notice past the threshold → reconnect → catch-up → entries resume.
 */
import { filter, firstValueFrom, Subject, type Subscription } from 'rxjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresTradeStore, getTrade, listJournal } from '../../src/adapters/postgres/index.js';
import { createPositionSupervisor } from '../../src/actors/position-supervisor.js';
import type { StreamGapReport } from '../../src/control/safety/stream-gap-monitor.js';
import type { Trade } from '../../src/domain/trade.js';
import type { TradeStreamEvent } from '../../src/ports/trade-stream.port.js';
import { createSafetyJobs, type SafetyJobs } from '../../src/service/safety-jobs.js';
import { eventually } from '../support/eventually.js';
import { decide, signal, startPipelineHarness, TEST_SETTINGS, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const NOTIFY_AFTER_MS = 10_000;
const CONFIRM_EVERY_MS = 2_000;

let t: TestDb;
let h: PipelineHarness;
let keel: Keel;
let supervisor: ReturnType<typeof createPositionSupervisor>;
let jobs: SafetyJobs;
let notifier: RecordingNotifier;
let warnings: string[];
let checks: Subject<StreamGapReport>;
let life: TradeStreamEvent[];
let lifeSub: Subscription;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  h = await startPipelineHarness(t, ({ db, clock, alpaca }) =>
    (supervisor = createPositionSupervisor({ store: createPostgresTradeStore(db), clock, adapters: () => alpaca, tuning: { cron: false } })));
  keel = await h.boot({ settings: TEST_SETTINGS });
  const started = keel.applied('start');
  expect((await keel.control.act('start', 'test')).ok).toBe(true);
  await started;
  await keel.streamLive();
  life = [];
  lifeSub = h.alpaca.tradeStream.events$.subscribe((e) => { if (e.type !== 'trade_update') life.push(e); });
  notifier = new RecordingNotifier();
  warnings = [];
  checks = new Subject();
  jobs = createSafetyJobs({
    db: t.db, clock: h.clock, control: keel.control, pipeline: keel.pipeline, supervisor, notifier, broker: () => h.alpaca.broker,
    warn: (m) => warnings.push(m), cron: false,
    streamGap: { confirmEveryMs: CONFIRM_EVERY_MS, notifyAfterMs: NOTIFY_AFTER_MS }, onStreamGapCheck: (r) => checks.next(r),
  });
  await jobs.start();
});
afterEach(async () => {
  lifeSub.unsubscribe();
  await jobs.stop();
  await h.close();
});

const row = async (id: string): Promise<Trade> => {
  const trade = await getTrade(t.db, id);
  if (!trade) throw new Error(`no trade ${id}`);
  return trade;
};

const streamEvent = <T extends TradeStreamEvent['type']>(type: T) =>
  firstValueFrom(h.alpaca.tradeStream.events$.pipe(filter((e): e is Extract<TradeStreamEvent, { type: T }> => e.type === type)));

const subscribed = (symbol: string) =>
  firstValueFrom(h.alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'subscription' && e.subscription.trades.includes(symbol))));

const orderPosts = () => h.sim.server.faults.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders');

/** moves the clock one monitor period and returns the next check the stream-gap monitor reports */
async function nextCheck(): Promise<StreamGapReport> {
  const report = firstValueFrom(checks);
  h.clock.advance(CONFIRM_EVERY_MS);
  return report;
}

/** monitor periods until a check satisfies `done` (a check still running from an earlier advance
 *  may answer first: the next period then runs the one wanted) */
async function checkUntil(done: (r: StreamGapReport) => boolean): Promise<StreamGapReport> {
  for (let i = 0; i < 30; i++) {
    const report = await nextCheck();
    if (done(report)) return report;
  }
  throw new Error('the stream-gap monitor never reported the expected check');
}

/** the refused client waits out its backoff between attempts: move the clock to the end of the
 *  current wait until an attempt connects */
async function reconnectAfterBackoff(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const last = life.filter((e) => e.type === 'connected' || e.type === 'disconnected').at(-1);
    if (last?.type === 'connected') return;
    const next = firstValueFrom(h.alpaca.tradeStream.events$.pipe(filter((e) => e.type === 'connected' || e.type === 'disconnected')));
    if (last?.type === 'disconnected' && last.retryInMs !== null) {
      const due = last.at + last.retryInMs;
      if (due > h.clock.now()) h.clock.advance(due - h.clock.now()); // else: that attempt is under way
    }
    if ((await next).type === 'connected') return;
  }
  throw new Error('the trade stream never reconnected');
}

/** posts a signal and waits until its trade is open and its symbol's prices are watched */
async function openBySignal(symbol: string, id: string) {
  const watching = subscribed(symbol);
  expect(await decide(keel.pipeline, signal({ id, symbol }))).toMatchObject({ outcome: 'fired' });
  const tradeId = (await keel.pipeline.getSignal(id))!.tradeId!;
  await keel.position('opened', (e) => e.tradeId === tradeId);
  await watching;
  return row(tradeId);
}

describe('the stream-gap gate on the simulated exchange', () => {
  it('denies entries while the trade stream is down, closes an exit filled meanwhile by REST, and resumes entries after the catch-up', async () => {
    const trade = await openBySignal('AAPL', 'before-gap');
    const entry = trade.entryPrice!.toNumber();

    // the stream drops and stays down: every reconnect is refused
    const dropped = streamEvent('disconnected');
    h.sim.server.faults.refuseTradeStreams(true);
    const downAt = (await dropped).at;
    expect(supervisor.streamGate()).toMatchObject({ live: false, phase: 'disconnected', since: downAt });
    const postsInGap = orderPosts().length;

    // entries are denied, with the code in the signal log
    expect(await decide(keel.pipeline, signal({ id: 'during-gap', symbol: 'MSFT' })))
      .toEqual({ signalId: 'during-gap', outcome: 'skipped', reason: 'STREAM_RECONCILING' });
    expect((await keel.pipeline.getSignal('during-gap'))?.denial?.code).toBe('STREAM_RECONCILING');

    // an exit still goes out, and fills at the exchange; the stream cannot tell Keel
    const exitCoid = `${trade.entryClientOrderId}-x1-hard-stop`;
    const filledAtSim = firstValueFrom(h.sim.core.tradeUpdates$.pipe(filter((u) => u.order.clientOrderId === exitCoid && u.event === 'fill')));
    const submitted = keel.position('exit_submitted', (e) => e.tradeId === trade.id);
    h.sim.core.market.setPrice('AAPL', entry * 0.9);
    await submitted;
    const fill = await filledAtSim;
    const exiting = await row(trade.id);
    expect(exiting).toMatchObject({ status: 'exiting', exitOrderId: fill.order.id });
    expect(supervisor.trackedTradeIds()).toEqual([trade.id]);

    // the monitor's next check confirms the working orders by REST: the trade closes, the stream still down
    let atClose: { live: boolean; phase: string; sockets: number } | null = null;
    const watch = keel.supervisor.events$.subscribe((e) => {
      if (e.type === 'closed' && e.tradeId === trade.id) {
        atClose = { live: supervisor.streamGate().live, phase: supervisor.streamGate().phase, sockets: h.sim.server.faults.tradeStreamClients() };
      }
    });
    const closed = keel.position('closed', (e) => e.tradeId === trade.id);
    expect(await nextCheck()).toMatchObject({ watched: true, phase: 'disconnected', downSince: downAt, confirmed: true, notified: false });
    const event = await closed;
    watch.unsubscribe();
    expect(atClose).toEqual({ live: false, phase: 'disconnected', sockets: 0 });
    expect(h.sim.server.faults.requests.some((r) => r.method === 'GET' && r.path === `/v2/orders/${fill.order.id}` && r.status === 200 && r.at > downAt)).toBe(true);
    const done = await row(trade.id);
    expect(event).toMatchObject({ reason: 'hard_stop', exitPrice: fill.order.filledAvgPrice!.toFixed() });
    expect(done).toMatchObject({ status: 'closed', exitReason: 'hard_stop' });
    expect(done.exitPrice!.toFixed()).toBe(fill.order.filledAvgPrice!.toFixed());
    expect(done.pnl!.toFixed()).toBe(done.exitPrice!.minus(done.entryPrice!).times(done.shares!).toFixed());
    expect(done.pnl!.isNegative()).toBe(true);

    // down longer than the threshold: one notice and one journal entry, however many checks follow
    const noticed = await checkUntil((r) => r.notified);
    expect(noticed.at - downAt).toBeGreaterThan(NOTIFY_AFTER_MS);
    await nextCheck();
    await nextCheck();
    expect(notifier.ofKind('stream_down')).toHaveLength(1);
    expect(notifier.ofKind('stream_down')[0]).toMatchObject({ severity: 'warning', key: `stream_down:${downAt}`, data: { event: 'stream_gap', since: downAt, state: 'running' } });
    expect(orderPosts()).toHaveLength(postsInGap + 1); // the exit sell, and no entry
    expect(h.sim.server.faults.tradeStreamClients()).toBe(0);

    // the stream is allowed back: reconnect, REST catch-up, live again
    h.sim.server.faults.refuseTradeStreams(false);
    const caughtUp = streamEvent('resynced');
    await reconnectAfterBackoff();
    await caughtUp;
    expect(supervisor.streamGate()).toMatchObject({ live: true, phase: 'live' });
    await checkUntil((r) => r.recovered);
    expect(notifier.ofKind('stream_down').map((n) => n.severity)).toEqual(['warning', 'info']);
    const journal = (await listJournal(t.db, { kinds: ['warning'] })).filter((e) => e.cause === 'stream_gap');
    expect(journal.map((e) => e.data['event'])).toEqual(['stream_gap', 'stream_gap_recovered']);

    // entries resume: the next signal's order reaches the exchange and opens
    const after = await openBySignal('MSFT', 'after-gap');
    expect(after.status).toBe('open');
    expect(orderPosts()).toHaveLength(postsInGap + 2);
    expect(h.sim.core.getOrderByClientOrderId(after.entryClientOrderId!)).toMatchObject({ ok: true, value: { status: 'filled' } });
    expect(warnings).toEqual([]);
  });
});
