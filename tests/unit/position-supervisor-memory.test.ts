/**
 * The position supervisor on the in-memory TradeStore, a scripted broker and fake streams (no
 * database, no network): restore at start, the kill switch's exit of every position, fills from the
 * trade stream through the fill router's keyed order stream, a rejected entry.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPositionSupervisor } from '../../src/actors/position-supervisor.js';
import type { PositionEvent } from '../../src/actors/position-supervisor.types.js';
import { BrokerError } from '../../src/domain/broker-error.js';
import { dec } from '../../src/domain/money.js';
import { eventually } from '../support/eventually.js';
import { MemoryTradeStore } from '../support/memory-trade-store.js';
import { aLiveTrade, fakeAdapters, newClock, ScriptedBroker, sellOrder, T0 } from '../support/position-unit-rig.js';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => { for (const stop of stops.splice(0)) await stop(); });

function rig() {
  const store = new MemoryTradeStore();
  const broker = new ScriptedBroker();
  const clock = newClock();
  const { adapters, tradeEvents } = fakeAdapters(broker);
  const supervisor = createPositionSupervisor({ store, clock, adapters: () => adapters, tuning: { cron: false } });
  const events: PositionEvent[] = [];
  supervisor.events$.subscribe((e) => events.push(e));
  stops.push(() => supervisor.stop());
  return { store, broker, clock, tradeEvents, supervisor, events };
}

describe('position supervisor on the in-memory store', () => {
  it('restores live trades at start, exits them all on the kill switch, and closes each on its fill', async () => {
    const r = rig();
    const a = r.store.put(aLiveTrade({ id: '00000000-0000-4000-8000-00000000000a', symbol: 'AAPL', entryClientOrderId: 'keel-a', exitClientOrderId: null }));
    const b = r.store.put(aLiveTrade({ id: '00000000-0000-4000-8000-00000000000b', symbol: 'MSFT', entryClientOrderId: 'keel-b', exitClientOrderId: null }));
    r.store.put(aLiveTrade({ id: '00000000-0000-4000-8000-00000000000c', status: 'closed' }));
    await r.supervisor.start();
    expect(r.supervisor.trackedCount()).toBe(2);
    expect(r.supervisor.armedPositions().map((p) => p.state)).toEqual(['open', 'open']);
    const report = await r.supervisor.exitAll('kill_switch');
    expect(report).toEqual({ exiting: expect.arrayContaining([a.id, b.id]), failed: [] });
    expect(r.broker.submitted.map((s) => s.symbol).sort()).toEqual(['AAPL', 'MSFT']);
    for (const req of r.broker.submitted) {
      const order = sellOrder(req, { status: 'filled', statusRaw: 'filled', filledQty: req.qty!, filledAvgPrice: dec(101), filledAt: T0 + 1_000 });
      r.tradeEvents.next({
        type: 'trade_update', receivedAt: T0 + 1_000,
        update: { event: 'fill', eventRaw: 'fill', order, timestamp: T0 + 1_000, executionId: 'x', price: dec(101), qty: req.qty!, positionQty: dec(0), eventId: null, at: T0 + 1_000 },
      });
    }
    await eventually(async () => expect(r.supervisor.trackedCount()).toBe(0));
    expect([a.id, b.id].map((id) => r.store.trades.get(id)!.status)).toEqual(['closed', 'closed']);
    expect(r.events.filter((e) => e.type === 'closed').map((e) => (e as Extract<PositionEvent, { type: 'closed' }>).reason)).toEqual(['kill_switch', 'kill_switch']);
    expect(r.supervisor.stuckExits()).toEqual([]);
  });

  it('cancels the trade of a rejected entry without tracking it', async () => {
    const r = rig();
    await r.supervisor.start();
    const t = r.store.put(aLiveTrade({ status: 'pending_entry', shares: null, entryPrice: null }));
    r.supervisor.entrySubmitted(t, { kind: 'rejected', error: new BrokerError({ category: 'forbidden', operation: 'submitOrder', status: 403, message: 'insufficient buying power' }) });
    await eventually(async () => expect(r.store.trades.get(t.id)!.status).toBe('cancelled'));
    expect(r.supervisor.trackedCount()).toBe(0);
    expect(r.events.map((e) => e.type)).toContain('cancelled');
  });
});
