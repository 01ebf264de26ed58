/**
 * The 5-minute health job against the simulated exchange, a real supervisor, the real
 * reconciliation service and real PostgreSQL; time moves only when the test advances the sim's clock.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresTradeStore, getTrade, insertTrade, listJournal, listTrades } from '../../src/adapters/postgres/index.js';
import { createPositionSupervisor } from '../../src/actors/position-supervisor.js';
import { createReconciliationService } from '../../src/control/reconcile/reconciliation.service.js';
import { HEALTH_EVERY_MS, HealthJob, type HealthJobDeps, type HealthReconcileResult, type HealthReport } from '../../src/control/safety/health-job.js';
import { dec } from '../../src/domain/money.js';
import type { BrokerPort } from '../../src/ports/broker.port.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { startPositionsHarness, type PositionsHarness } from '../support/positions-harness.js';
import { aPosition } from '../support/alpaca-builders.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

let t: TestDb;
let h: PositionsHarness;
let supervisor: ReturnType<typeof createPositionSupervisor>;
let notifier: RecordingNotifier;
let reconcileCauses: string[];
let published: Array<ReadonlySet<string>>;
let errors: string[];

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  h = await startPositionsHarness(t);
  supervisor = createPositionSupervisor({ store: createPostgresTradeStore(t.db), clock: h.sim.clock, adapters: () => h.alpaca, tuning: { cron: false } });
  h.supervisor = supervisor;
  await supervisor.start();
  notifier = new RecordingNotifier();
  reconcileCauses = [];
  published = [];
  errors = [];
});
afterEach(async () => {
  await supervisor.stop();
  await h.close();
});

/** the real reconciliation service, its causes recorded */
async function reconcile(cause: string): Promise<HealthReconcileResult> {
  reconcileCauses.push(cause);
  const { report } = await createReconciliationService({ db: t.db, clock: h.sim.clock, broker: () => h.alpaca.broker }).run(cause);
  return { ok: report.ok, corrections: report.findings.length, error: report.error };
}

function job(over: Partial<HealthJobDeps> = {}): HealthJob {
  return new HealthJob({
    db: t.db, clock: h.sim.clock, notifier, broker: () => h.alpaca.broker, supervisor, reconcile,
    onOpenSellSymbols: (symbols) => published.push(symbols), onError: (message) => errors.push(message), ...over,
  });
}

async function openPosition(symbol: string) {
  const trade = await h.enter(symbol);
  await h.next('opened', (e) => e.tradeId === trade.id);
  return trade;
}

/** bought outside Keel: the broker holds it, no trade row does */
async function buyOutside(symbol: string, qty: string) {
  const placed = await h.alpaca.broker.submitOrder({ symbol, side: 'buy', type: 'market', timeInForce: 'day', clientOrderId: `outside-${symbol}`, qty: dec(qty) });
  expect(placed.kind).toBe('accepted');
  h.sim.core.sync();
}

const healthJournal = async () => (await listJournal(t.db, { kinds: ['warning'] })).filter((e) => e.cause === 'health');

describe('health job', () => {
  it('does nothing but publish the open-sell symbols when journal, broker and actors agree', async () => {
    await openPosition('AAPL');
    const report = await job().runOnce();
    expect(report).toEqual({ ran: true, mismatches: [], reconciled: null, openSellSymbols: new Set(), stopsRechecked: [] });
    expect(published).toEqual([new Set()]);
    expect(reconcileCauses).toEqual([]);
    expect(await healthJournal()).toEqual([]);
    expect(notifier.sent).toEqual([]);
  });

  it('journals, reconciles and notifies a broker position with no open trade', async () => {
    await openPosition('AAPL');
    await buyOutside('NVDA', '3');
    const report = await job().runOnce();
    expect(report).toMatchObject({ ran: true, mismatches: [{ kind: 'position_without_trade', symbol: 'NVDA' }], reconciled: { ok: true, corrections: 1 } });
    const journal = await healthJournal();
    expect(journal.map((e) => [e.subject, e.data['kind']])).toEqual([['NVDA', 'position_without_trade']]);
    expect(reconcileCauses).toEqual(['health_check']);
    // reconciliation's own fix: the position is now a trade Keel owns
    expect((await listTrades(t.db, { symbol: 'NVDA' })).map((x) => [x.status, x.shares?.toFixed()])).toEqual([['open', '3']]);
    const sent = notifier.ofKind('health_mismatch');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ severity: 'warning', data: { mismatches: [{ kind: 'position_without_trade', key: 'position_without_trade:NVDA' }] } });
    expect(sent[0]!.text).toContain('NVDA');
  });

  it('journals, reconciles and notifies an open trade the broker holds no position for (and its missing actor)', async () => {
    const now = h.sim.clock.now();
    const ghost = await insertTrade(t.db, { symbol: 'MSFT', side: 'buy', status: 'open', shares: dec('5'), entryPrice: dec('10'), entryAt: now }, now);
    const report = await job().runOnce();
    expect(report.ran && report.mismatches.map((m) => m.key)).toEqual([`actor_missing:${ghost.id}`, 'trade_without_position:MSFT']);
    expect((await healthJournal()).map((e) => e.subject)).toEqual([ghost.id, 'MSFT']);
    expect(reconcileCauses).toEqual(['health_check']);
    expect((await getTrade(t.db, ghost.id))?.status).toBe('missed'); // reconciliation: flat, no sell fill
    expect(notifier.kinds()).toEqual(['health_mismatch']);
  });

  it('still journals and notifies (critical) when reconciliation fails', async () => {
    await buyOutside('NVDA', '2');
    const report = await job({ reconcile: async () => { throw new Error('broker unreachable'); } }).runOnce();
    expect(report).toMatchObject({ reconciled: { ok: false, error: 'broker unreachable' } });
    expect(await healthJournal()).toHaveLength(1);
    expect(notifier.sent).toMatchObject([{ kind: 'health_mismatch', severity: 'critical' }]);
    expect(notifier.sent[0]!.text).toContain('reconciliation FAILED');
  });

  it('ignores a mismatch that only one of two back-to-back snapshots shows', async () => {
    await openPosition('AAPL');
    let reads = 0;
    const real = h.alpaca.broker;
    const flickering: Pick<BrokerPort, 'listPositions' | 'listAllOrders'> = {
      listPositions: async () => [...(await real.listPositions()), ...(reads++ === 0 ? [aPosition({ symbol: 'TSLA', qty: dec('1') })] : [])],
      listAllOrders: (query) => real.listAllOrders(query),
    };
    const report = await job({ broker: () => flickering }).runOnce();
    expect(reads).toBe(2);
    expect(report).toMatchObject({ ran: true, mismatches: [], reconciled: null });
    expect(reconcileCauses).toEqual([]);
    expect(notifier.sent).toEqual([]);
  });

  it('publishes the symbols with an open sell order at the broker (not those with an open buy)', async () => {
    await openPosition('AAPL');
    const resting = await h.alpaca.broker.submitOrder({
      symbol: 'AAPL', side: 'sell', type: 'limit', timeInForce: 'day', clientOrderId: 'trader-own-sell', qty: dec('1'), limitPrice: dec('100000'),
    });
    expect(resting.kind).toBe('accepted');
    const restingBuy = await h.alpaca.broker.submitOrder({
      symbol: 'MSFT', side: 'buy', type: 'limit', timeInForce: 'day', clientOrderId: 'trader-own-buy', qty: dec('1'), limitPrice: dec('0.01'),
    });
    expect(restingBuy.kind).toBe('accepted');
    h.sim.core.sync();
    expect((await h.alpaca.broker.listAllOrders({ status: 'open' })).map((o) => o.side).sort()).toEqual(['buy', 'sell']);
    const report = await job().runOnce();
    expect(published).toEqual([new Set(['AAPL'])]);
    expect(report).toMatchObject({ openSellSymbols: new Set(['AAPL']) });
  });

  it('compares nothing without a broker adapter', async () => {
    expect(await job({ broker: () => null }).runOnce()).toEqual({ ran: false, why: 'no_broker' });
    expect(published).toEqual([]);
  });

  it('runs every five minutes of the injected clock once started', async () => {
    const reports: HealthReport[] = [];
    let ran: () => void = () => undefined;
    const timed = job({ onRun: (r) => { reports.push(r); ran(); } });
    timed.start();
    const first = new Promise<void>((resolve) => { ran = resolve; });
    h.sim.clock.advance(HEALTH_EVERY_MS - 1);
    expect(reports).toEqual([]);
    h.sim.clock.advance(1);
    await first;
    expect(reports).toEqual([{ ran: true, mismatches: [], reconciled: null, openSellSymbols: new Set(), stopsRechecked: [] }]);
    await timed.stop();
    h.sim.clock.advance(HEALTH_EVERY_MS);
    expect(reports).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
