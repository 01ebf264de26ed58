/**
 * Signal intake on real PostgreSQL against the simulated exchange through the real adapter, with a
 * recording supervisor (the position side has its own tests): ratings, sizes, duplicates,
 * idempotency, execution modes, and the entry order as the exchange received it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { filter, firstValueFrom } from 'rxjs';
import { listJournal, listTrades } from '../../src/adapters/postgres/index.js';
import { entryClientOrderId } from '../../src/control/pipeline/entry-executor.js';
import { dec } from '../../src/domain/money.js';
import { decide, FakeSupervisor, signal, startPipelineHarness, type Keel, type PipelineHarness } from '../support/pipeline-harness.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

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
const handedOver = (tradeId: string) => firstValueFrom(supervisor.submitted$.pipe(filter((s) => s.trade.id === tradeId)));

describe('pipeline intake: a size the sizer reduced', () => {
  it('lists the adjustment in the answer, the stored signal, the what-if and the journal, and buys the reduced size', async () => {
    expect((await keel.control.patchConfig({ maxPerTradeUsd: dec(60) }, 'test')).ok).toBe(true);
    const adjustment = { field: 'notional', from: dec(100), to: dec(60), reason: 'capped at maxPerTradeUsd $60.00' };
    const warning = 'size reduced from $100.00 to $60.00: capped at maxPerTradeUsd $60.00';
    const whatIf = await keel.pipeline.evaluateSignal(signal({ id: 'w', symbol: 'MSFT' }));
    expect(whatIf.size?.adjustments).toEqual([adjustment]);
    expect(whatIf.warnings).toContain(warning);
    const answer = await decide(keel.pipeline, signal({ id: 'cap', symbol: 'MSFT' }));
    expect(answer).toEqual({ signalId: 'cap', outcome: 'fired', adjustments: [adjustment], warnings: [warning] });
    expect((await keel.pipeline.getSignal('cap'))?.size?.adjustments).toEqual([adjustment]);
    const journaled = (await listJournal(t.db, { kinds: ['signal'] })).find((e) => e.subject === 'cap');
    expect(journaled?.message).toContain(warning);
    expect(journaled?.data.size).toMatchObject({ adjustments: [{ field: 'notional', from: '100', to: '60', reason: 'capped at maxPerTradeUsd $60.00' }] });
    expect((await listTrades(t.db, {}))[0]!.notional?.toFixed()).toBe('60');
  });
});

describe('pipeline intake: full_auto', () => {
  it('fires a tier-1 signal as a $100 notional market buy, day, with the client order id derived from the signal id', async () => {
    const answer = await decide(keel.pipeline, signal({ id: 'sig-aapl-1', symbol: 'AAPL' }));
    expect(answer).toEqual({ signalId: 'sig-aapl-1', outcome: 'fired' });
    const record = await keel.pipeline.getSignal('sig-aapl-1');
    expect(record?.stars).toBe(5);
    const trade = (await listTrades(t.db, {}))[0]!;
    expect(record?.tradeId).toBe(trade.id);
    expect(trade).toMatchObject({ symbol: 'AAPL', status: 'pending_entry', stars: 5, signalId: 'sig-aapl-1', entryClientOrderId: entryClientOrderId('sig-aapl-1') });
    expect(trade.notional?.toFixed()).toBe('100');
    // deterministic, short and plain: the same signal can only ever name the same order
    expect(trade.entryClientOrderId).toMatch(/^k-[0-9a-f]{32}-e$/);
    expect(entryClientOrderId('sig-aapl-1')).toBe(trade.entryClientOrderId);
    expect(entryClientOrderId('sig-aapl-2')).not.toBe(trade.entryClientOrderId);

    const { outcome } = await handedOver(trade.id);
    expect(outcome.kind).toBe('accepted');
    const [order] = await ordersAtExchange();
    expect(order).toMatchObject({ symbol: 'AAPL', side: 'buy', type: 'market', time_in_force: 'day', notional: '100', client_order_id: trade.entryClientOrderId });
    await keel.pipeline.idle();
    const kinds = (await listJournal(t.db, { kinds: ['signal', 'order_submitted', 'order_outcome'] })).map((e) => e.kind);
    expect(kinds).toEqual(['order_submitted', 'signal', 'order_outcome']);
  });

  it.each([
    ['low', 50], ['medium', 75], ['high', 100],
  ] as const)('sizes a tier-3 signal with %s AI confidence at $%i', async (aiConfidence, dollars) => {
    await decide(keel.pipeline, signal({ id: `tier3-${aiConfidence}`, symbol: 'MSFT', catalystTier: 3, aiConfidence }));
    const [trade] = await listTrades(t.db, {});
    expect(trade?.notional?.toFixed()).toBe(String(dollars));
    await handedOver(trade!.id);
    expect((await ordersAtExchange())[0]?.notional).toBe(String(dollars));
  });

  it('skips 1–2 star and unrated signals without asking the broker for an order', async () => {
    expect(await decide(keel.pipeline, signal({ id: 'two-stars', stars: 2 }))).toEqual({ signalId: 'two-stars', outcome: 'skipped', reason: 'STARS_TOO_LOW' });
    expect(await decide(keel.pipeline, signal({ id: 'one-star', stars: 1, symbol: 'TSLA' }))).toMatchObject({ outcome: 'skipped', reason: 'STARS_TOO_LOW' });
    expect(await decide(keel.pipeline, signal({ id: 'unrated', catalystTier: 4, aiConfidence: null }))).toMatchObject({ outcome: 'skipped', reason: 'NO_STAR_RATING' });
    expect(await listTrades(t.db, {})).toEqual([]);
    expect(await ordersAtExchange()).toEqual([]);
    expect((await keel.pipeline.listSignals({ status: 'skipped' })).items).toHaveLength(3);
  });

  it('skips a signal for a symbol with a live trade as skipped_duplicate, without a trade row', async () => {
    await decide(keel.pipeline, signal({ id: 'first', symbol: 'NVDA' }));
    const second = await decide(keel.pipeline, signal({ id: 'second', symbol: 'NVDA' }));
    expect(second).toEqual({ signalId: 'second', outcome: 'skipped_duplicate', reason: 'DUPLICATE_SYMBOL' });
    expect(await listTrades(t.db, {})).toHaveLength(1);
    expect((await keel.pipeline.getSignal('second'))?.tradeId).toBeNull();
  });

  it('creates one trade when two signals for a symbol arrive at once', async () => {
    const answers = await Promise.all([
      decide(keel.pipeline, signal({ id: 'race-a', symbol: 'AMD' })),
      decide(keel.pipeline, signal({ id: 'race-b', symbol: 'AMD' })),
    ]);
    expect(answers.map((a) => a.outcome).sort()).toEqual(['fired', 'skipped_duplicate']);
    expect(await listTrades(t.db, { symbol: 'AMD' })).toHaveLength(1);
  });

  it('answers a repeated signal id with the stored answer and sends no second order', async () => {
    const first = await decide(keel.pipeline, signal({ id: 'again', symbol: 'TSLA' }));
    const [trade] = await listTrades(t.db, {});
    await handedOver(trade!.id);
    const repeats = await Promise.all([1, 2, 3].map(() => decide(keel.pipeline, signal({ id: 'again', symbol: 'TSLA' }))));
    await keel.pipeline.idle();
    expect(repeats).toEqual([first, first, first]);
    expect(await ordersAtExchange()).toHaveLength(1);
    expect(supervisor.submitted).toHaveLength(1);
  });

  it('generates an id for a signal posted without one', async () => {
    const answer = await decide(keel.pipeline, signal({ symbol: 'SPY' }));
    expect(answer.signalId).toBe('gen-1');
    expect((await keel.pipeline.getSignal('gen-1'))?.status).toBe('fired');
  });

  it('skips entries with BOT_NOT_RUNNING while the bot is paused', async () => {
    expect((await keel.control.act('pause', 'test')).ok).toBe(true);
    expect(await decide(keel.pipeline, signal({ id: 'paused' }))).toMatchObject({ outcome: 'skipped', reason: 'BOT_NOT_RUNNING' });
    const record = await keel.pipeline.getSignal('paused');
    expect(record?.verdicts.find((v) => v.check === 'bot-running')?.passed).toBe(false);
    expect(await ordersAtExchange()).toEqual([]);
  });

  it('hands a broker rejection to the supervisor with Alpaca\'s message', async () => {
    h.sim.core.faults.rejectNextOrder({ status: 403, code: 40310000, message: 'insufficient buying power' });
    await decide(keel.pipeline, signal({ id: 'rejected', symbol: 'AAPL' }));
    const [trade] = await listTrades(t.db, {});
    const { outcome } = await handedOver(trade!.id);
    expect(outcome.kind === 'rejected' && outcome.error.brokerMessage).toBe('insufficient buying power');
  });

  it('resolves a POST whose answer never came by its client order id, without a second POST', async () => {
    h.sim.server.faults.failNext({ method: 'POST', path: '/v2/orders' }, { kind: 'timeout' });
    const withheld = firstValueFrom(h.sim.server.faults.requests$.pipe(filter((r) => r.method === 'POST' && r.fault === 'timeout')));
    await decide(keel.pipeline, signal({ id: 'timeout', symbol: 'AAPL' }));
    await withheld;
    h.timeouts.advance(120_000);
    const [trade] = await listTrades(t.db, {});
    const { outcome } = await handedOver(trade!.id);
    expect(outcome.kind === 'accepted' && outcome.recovered).toBe(true);
    expect(h.sim.server.faults.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders')).toHaveLength(1);
    expect(await ordersAtExchange()).toHaveLength(1);
  });
});

describe('pipeline intake: other execution modes', () => {
  it('signal_only logs the signal with its verdicts and the denial, and sends nothing', async () => {
    await keel.control.patchConfig({ executionMode: 'signal_only' }, 'test');
    expect(await decide(keel.pipeline, signal({ id: 'log-only' }))).toEqual({ signalId: 'log-only', outcome: 'logged' });
    await keel.control.act('pause', 'test');
    expect(await decide(keel.pipeline, signal({ id: 'log-denied', symbol: 'MSFT' }))).toMatchObject({ outcome: 'logged', reason: 'BOT_NOT_RUNNING' });
    const logged = await keel.pipeline.getSignal('log-only');
    expect(logged?.verdicts.length).toBeGreaterThan(5);
    expect(logged?.verdicts.every((v) => v.passed)).toBe(true);
    expect(logged?.size?.notional.toFixed()).toBe('100');
    expect(await listTrades(t.db, {})).toEqual([]);
    expect(await ordersAtExchange()).toEqual([]);
  });

  it('lists the provenance of a fired trade: signal, verdicts and the order journal', async () => {
    await decide(keel.pipeline, signal({ id: 'prov', symbol: 'AAPL' }));
    const [trade] = await listTrades(t.db, {});
    await handedOver(trade!.id);
    await keel.pipeline.idle();
    const detail = await keel.pipeline.getTrade(trade!.id);
    expect(detail?.signal?.id).toBe('prov');
    expect(detail?.verdicts.map((v) => v.check)).toContain('buying-power');
    expect(detail?.journal.map((e) => e.kind)).toEqual(expect.arrayContaining(['signal', 'order_submitted', 'order_outcome']));
    expect((await keel.pipeline.listTrades({ symbol: 'AAPL' })).items.map((x) => x.id)).toEqual([trade!.id]);
  });
});
