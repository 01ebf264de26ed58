/**
 * A position actor on the in-memory TradeStore and a scripted broker (no database, no network):
 * the machine's exit path, its retries and its restore path, with the writes the store saw.
 */
import { describe, expect, it } from 'vitest';
import { PositionActor } from '../../src/actors/position.actor.js';
import type { PositionActorDeps } from '../../src/actors/position-host.js';
import { PositionRuntime } from '../../src/actors/position-runtime.js';
import type { PositionEvent } from '../../src/actors/position-supervisor.types.js';
import { exitOrderId } from '../../src/core/exits/exit-order-id.js';
import { dec } from '../../src/domain/money.js';
import type { Trade } from '../../src/domain/trade.js';
import { MAX_EXIT_ATTEMPTS } from '../../src/machines/position.machine.js';
import { anOrder } from '../support/alpaca-builders.js';
import { eventually } from '../support/eventually.js';
import { MemoryTradeStore } from '../support/memory-trade-store.js';
import { aLiveTrade, newClock, rejected, ScriptedBroker, sellOrder, T0 } from '../support/position-unit-rig.js';

function rig(trade: Trade) {
  const store = new MemoryTradeStore();
  store.put(trade);
  const broker = new ScriptedBroker();
  const clock = newClock();
  const runtime = new PositionRuntime(clock, 1_000);
  const events: PositionEvent[] = [];
  const failures: string[] = [];
  const armed: string[] = [];
  const deps: PositionActorDeps = {
    store, broker: broker.port, clock, emit: (e) => events.push(e), route: () => undefined, resolve: {}, stopPolicy: () => ({ mode: 'off' as const, level: null }),
    arm: (v) => armed.push(`arm ${v.tradeId}`), disarm: (v) => armed.push(`disarm ${v.tradeId}`),
    finished: (host) => (host as PositionActor).stop(), failed: (_id, step, error) => failures.push(`${step}: ${String(error)}`),
  };
  const actor = new PositionActor(trade, deps, runtime).start();
  const value = () => actor.snapshot().value;
  return { store, broker, clock, runtime, events, failures, armed, actor, value, row: () => store.trades.get(trade.id)! };
}

const HARD_STOP = { reason: 'hard_stop' as const, price: 93, detail: 'price 93 ≤ stop 93', at: T0 + 5_000 };

describe('position actor on the in-memory store', () => {
  it('opens on its entry fill, sends the exit sell before any write, and closes with its P&L in the day', async () => {
    const r = rig(aLiveTrade({ status: 'pending_entry', shares: null, entryPrice: null, peakPrice: null, exitClientOrderId: null, entryAt: null }));
    r.actor.entryAccepted(anOrder({ id: 'entry-1', clientOrderId: 'keel-sig-1', status: 'filled', statusRaw: 'filled', filledQty: dec(10), filledAvgPrice: dec(100) }), T0);
    await r.actor.idle();
    expect(r.value()).toEqual({ open: { exit: 'armed', stop: 'unprotected' } });
    expect(r.row()).toMatchObject({ status: 'open', exitClientOrderId: 'keel-sig-1-x1', entryOrderId: 'entry-1' });
    expect(r.row().shares!.toFixed()).toBe('10');
    let writesAtPost = -1;
    const writesBefore = r.store.writes.length;
    r.broker.outcomes.push((req) => { writesAtPost = r.store.writes.length; return { kind: 'accepted', order: sellOrder(req), recovered: false }; });
    r.runtime.decisions.next(r.row().id, HARD_STOP);
    await r.actor.idle();
    expect(writesAtPost).toBe(writesBefore);
    expect(r.broker.submitted.map((s) => s.clientOrderId)).toEqual([exitOrderId('keel-sig-1-x1', 'hard_stop')]);
    expect(r.value()).toEqual({ exiting: 'awaitingFill' });
    expect(r.row()).toMatchObject({ status: 'exiting', exitOrderId: `sell-${exitOrderId('keel-sig-1-x1', 'hard_stop')}` });
    const ctx = r.actor.snapshot().context;
    expect(structuredClone(ctx)).toEqual(ctx);
    expect(JSON.parse(JSON.stringify(ctx))).toEqual(ctx);
    r.runtime.orders.next(r.row().id, { order: sellOrder(r.broker.submitted[0]!, { status: 'filled', statusRaw: 'filled', filledQty: dec(10), filledAvgPrice: dec(93), filledAt: T0 + 6_000 }), at: T0 + 6_000 });
    await r.actor.idle();
    expect(r.row()).toMatchObject({ status: 'closed', exitReason: 'hard_stop', exitAt: T0 + 6_000 });
    expect(r.row().pnl!.toFixed()).toBe('-70');
    expect([...r.store.days.values()][0]).toMatchObject({ tradeCount: 1 });
    expect(r.events.map((e) => e.type)).toEqual(['opened', 'exit_decided', 'exit_submitted', 'closed']);
    expect(r.actor.snapshot().status).toBe('done');
    expect(r.failures).toEqual([]);
  });

  it('re-sends a refused sell with what the broker holds after the retry wait, and gives up loudly after the last attempt', async () => {
    const r = rig(aLiveTrade());
    await eventually(async () => expect(r.value()).toEqual({ open: { exit: 'armed', stop: 'unprotected' } })); // the look-up found no sell sent before a crash
    r.broker.held = dec(8);
    for (let i = 0; i < MAX_EXIT_ATTEMPTS; i++) r.broker.outcomes.push(rejected('trading halted'));
    r.runtime.decisions.next(r.row().id, HARD_STOP);
    for (let attempt = 2; attempt <= MAX_EXIT_ATTEMPTS; attempt++) {
      await eventually(async () => expect(r.value()).toEqual({ exiting: 'retryWait' }));
      r.clock.advance(999);
      expect(r.value()).toEqual({ exiting: 'retryWait' });
      r.clock.advance(1);
      await eventually(async () => expect(r.broker.submitted).toHaveLength(attempt));
    }
    await eventually(async () => expect(r.value()).toEqual({ exiting: 'failed' }));
    expect(r.broker.submitted.map((s) => `${s.clientOrderId} ${s.qty!.toFixed()}`)).toEqual([
      `${exitOrderId('keel-sig-1-x1', 'hard_stop')} 10`, `${exitOrderId('keel-sig-1-x2', 'hard_stop')} 8`, `${exitOrderId('keel-sig-1-x3', 'hard_stop')} 8`,
    ]);
    expect(r.row().shares!.toFixed()).toBe('8');
    expect(r.store.journal.some((e) => e.kind === 'reconciliation_correction')).toBe(true);
    expect(r.actor.exitProgress()).toMatchObject({ since: HARD_STOP.at, gaveUp: expect.stringContaining(`exit gave up after ${MAX_EXIT_ATTEMPTS} attempts`) });
    expect(r.events.filter((e) => e.type === 'exit_gave_up')).toHaveLength(1);
  });

  it('hands an exit to reconciliation when the broker holds nothing', async () => {
    const r = rig(aLiveTrade({ exitClientOrderId: null }));
    r.broker.outcomes.push(rejected('position not found'));
    r.broker.held = null;
    r.runtime.decisions.next(r.row().id, HARD_STOP);
    await eventually(async () => expect(r.value()).toEqual({ exiting: 'retryWait' }));
    r.clock.advance(1_000);
    await eventually(async () => expect(r.value()).toEqual({ exiting: 'flat' }));
    expect(r.events.map((e) => e.type)).toContain('exit_flat_at_broker');
    expect(r.broker.submitted).toHaveLength(1);
  });

  it('finds the sell of a restored exit by its id and never sends it again', async () => {
    const coid = exitOrderId('keel-sig-1-x1', 'trailing_stop');
    const r = rig(aLiveTrade({ status: 'exiting', exitClientOrderId: coid }));
    r.broker.orders.set(coid, sellOrder({ symbol: 'AAPL', side: 'sell', type: 'market', timeInForce: 'day', qty: dec(10), clientOrderId: coid }));
    expect(r.value()).toEqual({ exiting: 'restored' });
    r.actor.resume();
    await r.actor.idle();
    expect(r.value()).toEqual({ exiting: 'awaitingFill' });
    expect(r.broker.calls).toEqual([`lookup ${coid}`]);
    expect(r.row().exitOrderId).toBe(`sell-${coid}`);
    expect(r.actor.snapshot().context.intent).toMatchObject({ reason: 'trailing_stop' });
  });

  it('adopts a sell sent before a crash (an open row) with its own rule, over a decision that came meanwhile', async () => {
    const r = rig(aLiveTrade());
    const coid = exitOrderId('keel-sig-1-x1', 'profit_target');
    r.broker.orders.set(coid, sellOrder({ symbol: 'AAPL', side: 'sell', type: 'market', timeInForce: 'day', qty: dec(10), clientOrderId: coid }));
    expect(r.value()).toMatchObject({ open: { exit: 'resuming' } });
    r.runtime.decisions.next(r.row().id, HARD_STOP);
    await r.actor.idle();
    expect(r.value()).toEqual({ exiting: 'awaitingFill' });
    expect(r.broker.submitted).toEqual([]);
    expect(r.row()).toMatchObject({ status: 'exiting', exitClientOrderId: coid, exitOrderId: `sell-${coid}` });
  });
});
