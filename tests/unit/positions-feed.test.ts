/**
 * The `positions` live event on virtual time: at most one publish a second, only the rows whose tick
 * changed since the last one, nothing when none did, never a pending entry, and nothing after stop.
 */
import { describe, expect, it } from 'vitest';
import type { ArmedPosition } from '../../src/actors/position-supervisor.types.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { Decimal } from '../../src/domain/money.js';
import type { Trade } from '../../src/domain/trade.js';
import { createEventHub } from '../../src/http/live/event-hub.js';
import { PositionsFeed, PUBLISH_MS } from '../../src/service/positions-feed.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function position(id: string, state: string, tick: { price: number; at: number } | null): ArmedPosition {
  const trade = {
    id, symbol: id.toUpperCase(), side: 'buy', status: 'open', entryPrice: new Decimal('100'), shares: new Decimal('10'), peakPrice: new Decimal('100'),
  } as Trade;
  const levels = state === 'open' ? { peakPrice: Math.max(100, tick?.price ?? 0), stopPrice: 93, targetPrice: 110, targetAtBroker: false, trailingStopPrice: null, maxHoldUntil: 0, forceCloseAt: null } : null;
  return { tradeId: id, state, lastTick: tick, levels, trade, stop: null };
}

function setup() {
  const clock = new ManualClock();
  const hub = createEventHub();
  let armed: ArmedPosition[] = [];
  const warnings: unknown[] = [];
  const feed = new PositionsFeed({ hub, clock, armed: () => armed, warn: (_m, e) => warnings.push(e) });
  const published = () => {
    const events = hub.since(0);
    if (events === 'reset') throw new Error('reset');
    return events.filter((e) => e.type === 'positions').map((e) => e.data as { items: Array<Record<string, unknown>> });
  };
  return { clock, feed, published, warnings, set: (next: ArmedPosition[]) => { armed = next; } };
}

describe('the positions live event', () => {
  it('publishes once per PUBLISH_MS with the newest tick of the positions that moved, as decimal strings', async () => {
    const { clock, feed, published, set } = setup();
    feed.start();
    set([position('a', 'open', { price: 101, at: clock.now() }), position('b', 'open', null)]);
    clock.advance(PUBLISH_MS - 1);
    await flush();
    expect(published()).toEqual([]);

    // a second tick inside the same second: the publish carries the newest only
    set([position('a', 'open', { price: 102.5, at: clock.now() }), position('b', 'open', null)]);
    clock.advance(1);
    await flush();
    expect(published()).toEqual([{ items: [
      { id: 'a', state: 'open', lastPrice: '102.5', lastPriceAt: clock.now() - 1, unrealizedPnl: '25', unrealizedPnlPct: 2.5, peakPrice: '102.5', trailingStopPrice: null },
      { id: 'b', state: 'open', lastPrice: null, lastPriceAt: null, unrealizedPnl: null, unrealizedPnlPct: null, peakPrice: '100', trailingStopPrice: null },
    ] }]);

    // nothing moved: nothing sent; then only the position that moved
    clock.advance(PUBLISH_MS);
    await flush();
    expect(published()).toHaveLength(1);
    set([position('a', 'open', { price: 102.5, at: clock.now() - PUBLISH_MS - 1 }), position('b', 'open', { price: 99, at: clock.now() })]);
    clock.advance(PUBLISH_MS);
    await flush();
    expect(published()).toHaveLength(2);
    expect(published()[1]!.items).toEqual([expect.objectContaining({ id: 'b', lastPrice: '99', unrealizedPnl: '-10', unrealizedPnlPct: -1 })]);
    await feed.stop();
  });

  it('sends a state change (exiting) and never a pending entry', async () => {
    const { clock, feed, published, set } = setup();
    feed.start();
    set([position('a', 'open', { price: 101, at: 1 }), position('p', 'pending_entry', { price: 50, at: 1 })]);
    clock.advance(PUBLISH_MS);
    await flush();
    set([position('a', 'exiting', { price: 101, at: 1 }), position('p', 'pending_entry', { price: 51, at: 2 })]);
    clock.advance(PUBLISH_MS);
    await flush();
    expect(published().map((p) => p.items.map((row) => `${row.id}:${row.state}`))).toEqual([['a:open'], ['a:exiting']]);
    await feed.stop();
  });

  it('stops publishing on stop(), and a restart sends every row again', async () => {
    const { clock, feed, published, set } = setup();
    set([position('a', 'open', { price: 101, at: 1 })]);
    feed.start();
    clock.advance(PUBLISH_MS);
    await flush();
    await feed.stop();
    set([position('a', 'open', { price: 105, at: 2 })]);
    clock.advance(5 * PUBLISH_MS);
    await flush();
    expect(published()).toHaveLength(1);
    set([position('a', 'open', { price: 101, at: 1 })]);
    feed.start();
    clock.advance(PUBLISH_MS);
    await flush();
    expect(published()).toHaveLength(2);
    await feed.stop();
  });

  it('a failing read is warned and the timer keeps going', async () => {
    const clock = new ManualClock();
    const hub = createEventHub();
    const warnings: unknown[] = [];
    let fail = true;
    const feed = new PositionsFeed({ hub, clock, armed: () => { if (fail) throw new Error('boom'); return [position('a', 'open', { price: 101, at: 1 })]; }, warn: (_m, e) => warnings.push(e) });
    feed.start();
    clock.advance(PUBLISH_MS);
    await flush();
    fail = false;
    clock.advance(PUBLISH_MS);
    await flush();
    expect(warnings).toHaveLength(1);
    expect(hub.lastId()).toBe(1);
    await feed.stop();
  });
});
