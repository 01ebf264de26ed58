/**
 * semi_auto approvals, expiry on the injected clock, and the emergency stop, on real PostgreSQL
 * against the simulated exchange, with a recording supervisor.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom } from 'rxjs';
import { listJournal, listTrades } from '../../src/adapters/postgres/index.js';
import { decide, FakeSupervisor, pipelineEvent, signal, startPipelineHarness, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';
import { eventually } from '../support/eventually.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { watchApprovals } from '../../src/service/approval-notices.js';

let t: TestDb;
let h: PipelineHarness;
let keel: Keel;
let supervisor: FakeSupervisor;

beforeAll(async () => { t = await createTestDb(); });
afterAll(async () => { await t.close(); });
beforeEach(async () => {
  await t.truncate();
  supervisor = new FakeSupervisor();
  h = await startPipelineHarness(t, () => supervisor);
  keel = await h.boot();
  expect((await keel.control.act('start', 'test')).ok).toBe(true);
});
afterEach(async () => { await h.close(); });

const ordersAtExchange = async () => (await (await h.sim.rest('/v2/orders?status=all&limit=500')).json()) as Array<Record<string, string>>;
const semiAuto = () => keel.control.patchConfig({ executionMode: 'semi_auto', approvalTtlMinutes: 5 }, 'test');

describe('semi_auto approvals', () => {
  beforeEach(async () => { await semiAuto(); });

  it('notifies the trader that a signal waits (symbol, stars, size, checks, expiry, the Approvals link), and that its wait ended', async () => {
    const notifier = new RecordingNotifier();
    const watching = watchApprovals({
      events$: keel.pipeline.events$, getSignal: (id) => keel.pipeline.getSignal(id), notifier, dashboardUrl: () => 'https://keel.example/',
      now: () => h.clock.now(), warn: (m, e) => { throw e ?? new Error(m); },
    });
    try {
      expect(await decide(keel.pipeline, signal({ id: 'ask', symbol: 'AAPL' }))).toMatchObject({ outcome: 'pending' });
      const [asked] = await eventually(async () => { expect(notifier.ofKind('approval_pending')).toHaveLength(1); return notifier.ofKind('approval_pending'); });
      const record = (await keel.pipeline.getSignal('ask'))!;
      expect(asked).toMatchObject({ key: 'approval_pending:ask', title: 'Approve? AAPL 5★ $100.00', data: { signalId: 'ask', url: 'https://keel.example/#/approvals', expiresAt: record.expiresAt } });
      expect(asked!.text).toContain(`checks ${record.verdicts.length}/${record.verdicts.length} passed`);
      expect(asked!.text).toMatch(/expires \d\d:\d\d ET\. https:\/\/keel\.example\/#\/approvals$/);
      h.clock.advance(5 * 60_000 + 1);
      expect(await keel.pipeline.expirePending()).toBe(1);
      await eventually(async () => expect(notifier.ofKind('approval_expired').map((n) => n.key)).toEqual(['approval_expired:ask']));
      expect(notifier.kinds()).toEqual(['approval_pending', 'approval_expired']);
    } finally {
      watching.unsubscribe();
    }
  });

  it('stores a checked, sized signal as pending until the approval TTL, and sends nothing', async () => {
    const received = h.clock.now();
    expect(await decide(keel.pipeline, signal({ id: 'wait', symbol: 'AAPL' }))).toEqual({ signalId: 'wait', outcome: 'pending' });
    const pending = await keel.pipeline.listSignals({ status: 'pending' });
    expect(pending.items.map((s) => s.id)).toEqual(['wait']);
    expect(pending.items[0]?.expiresAt).toBe(received + 5 * 60_000);
    expect(pending.items[0]?.size?.notional.toFixed()).toBe('100');
    expect(await ordersAtExchange()).toEqual([]);
  });

  it('fires an approved signal after re-running the checks', async () => {
    await decide(keel.pipeline, signal({ id: 'ok', symbol: 'MSFT', catalystTier: 3, aiConfidence: 'medium' }));
    const result = await keel.pipeline.approveSignal('ok', 'api');
    expect(result).toEqual({ ok: true, value: { signalId: 'ok', outcome: 'approved' } });
    const [trade] = await listTrades(t.db, {});
    expect(trade).toMatchObject({ symbol: 'MSFT', status: 'pending_entry', signalId: 'ok' });
    expect((await keel.pipeline.getSignal('ok'))?.tradeId).toBe(trade!.id);
    await firstValueFrom(supervisor.submitted$.pipe(filter((s) => s.trade.id === trade!.id)));
    expect((await ordersAtExchange()).map((o) => [o.symbol, o.notional])).toEqual([['MSFT', '75']]);
  });

  it('refuses to approve a signal twice (409) or one it does not know (404)', async () => {
    await decide(keel.pipeline, signal({ id: 'once' }));
    expect((await keel.pipeline.approveSignal('once', 'api')).ok).toBe(true);
    const again = await keel.pipeline.approveSignal('once', 'api');
    expect(again.ok === false && [again.error.code, again.error.httpStatus]).toEqual(['SIGNAL_NOT_PENDING', 409]);
    const unknown = await keel.pipeline.approveSignal('nope', 'api');
    expect(unknown.ok === false && [unknown.error.code, unknown.error.httpStatus]).toEqual(['NOT_FOUND', 404]);
    await keel.pipeline.idle();
    expect(await ordersAtExchange()).toHaveLength(1);
  });

  it('rejects an approval whose re-check is denied, with the denial', async () => {
    await decide(keel.pipeline, signal({ id: 'late' }));
    await keel.control.act('pause', 'test');
    const result = await keel.pipeline.approveSignal('late', 'api');
    expect(result).toEqual({ ok: true, value: { signalId: 'late', outcome: 'rejected', reason: 'BOT_NOT_RUNNING' } });
    expect(await listTrades(t.db, {})).toEqual([]);
  });

  it('rejects a pending signal with the trader\'s note', async () => {
    await decide(keel.pipeline, signal({ id: 'no' }));
    expect(await keel.pipeline.rejectSignal('no', 'chasing', 'api')).toEqual({ ok: true, value: { signalId: 'no', outcome: 'rejected' } });
    expect((await keel.pipeline.getSignal('no'))?.note).toBe('chasing');
    const twice = await keel.pipeline.rejectSignal('no', null, 'api');
    expect(twice.ok === false && twice.error.code).toBe('SIGNAL_NOT_PENDING');
  });

  it('expires a pending signal once the TTL has passed on the clock, and no longer approves it', async () => {
    await decide(keel.pipeline, signal({ id: 'stale' }));
    h.clock.advance(4 * 60_000);
    expect((await keel.pipeline.getSignal('stale'))?.status).toBe('pending');
    const expired = pipelineEvent(keel.pipeline, 'expired', (e) => e.signalId === 'stale');
    h.clock.advance(60_000 + 1_000);
    await expired;
    expect((await keel.pipeline.getSignal('stale'))?.status).toBe('expired');
    const late = await keel.pipeline.approveSignal('stale', 'api');
    expect(late.ok === false && late.error.code).toBe('SIGNAL_NOT_PENDING');
  });
});

describe('emergency stop', () => {
  it('cancels every open order, leaves positions, refuses entries at once and ends halted', async () => {
    h.sim.core.faults.holdFills(true);
    await decide(keel.pipeline, signal({ id: 'resting', symbol: 'AAPL' }));
    await firstValueFrom(supervisor.submitted$);
    const [order] = await ordersAtExchange();

    const stopping = keel.pipeline.emergencyStop({ closePositions: false }, 'api');
    const during = await decide(keel.pipeline, signal({ id: 'during', symbol: 'TSLA' }));
    const report = await stopping;

    expect(during).toMatchObject({ outcome: 'skipped', reason: 'BOT_NOT_RUNNING' });
    expect(report.cancelledOrders).toEqual([{ orderId: order!.id, status: 200, error: null }]);
    expect(report).toMatchObject({ cancelled: [order!.id], stillOpen: [], closed: [], closing: [], flatten: 'not_requested', left: [], state: 'halted', problems: [] });
    expect(supervisor.exitAllCalls).toEqual([]);
    expect((await keel.control.status()).state).toBe('halted');
    expect((await ordersAtExchange()).map((o) => o.status)).toEqual(['canceled']);
    const journaled = await listJournal(t.db, { kinds: ['warning'] });
    expect(journaled.filter((e) => e.subject === 'emergency-stop').length).toBeGreaterThanOrEqual(3);
  });

  it('closes every position with kill_switch when asked, and reports what was sent', async () => {
    supervisor.exitAllReport = { exiting: ['t-1'], failed: [{ tradeId: 't-2', error: 'no position' }] };
    const report = await keel.pipeline.emergencyStop({ closePositions: true }, 'api');
    expect(supervisor.exitAllCalls).toEqual(['kill_switch']);
    // t-1 is no trade of the database: not live, so counted closed; the broker holds nothing
    expect(report).toMatchObject({ closed: ['t-1'], closing: [], failed: [{ tradeId: 't-2', error: 'no position' }], flatten: 'done', left: [], state: 'halted' });
  });

  it('leaves a halted bot halted', async () => {
    await keel.control.halt('breaker', 'test');
    const report = await keel.pipeline.emergencyStop({ closePositions: false }, 'api');
    expect(report.state).toBe('halted');
    expect(report.problems).toEqual([]);
  });
});
