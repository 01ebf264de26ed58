/** The live event ring is bounded by what it holds, not only by count: large events push old ones
 *  out, and a resume from one of those gets the reset instead of a gap. */
import { describe, expect, it } from 'vitest';
import { createEventHub } from '../../src/http/live/event-hub.js';

describe('the live event ring', () => {
  it('drops the oldest events once their JSON passes the budget, and resets a resume past them', () => {
    const hub = createEventHub(500, 10_000);
    const big = { items: 'x'.repeat(3_000) };
    for (let i = 0; i < 10; i++) hub.publish('positions', big);
    // 3,000-odd characters each: three fit in 10,000
    const held = hub.since(7);
    expect(held).not.toBe('reset');
    expect((held as unknown[]).length).toBe(3);
    expect(hub.since(5)).toBe('reset');
    expect(hub.lastId()).toBe(10);
  });

  it('keeps the newest event even when it alone is over the budget', () => {
    const hub = createEventHub(500, 100);
    hub.publish('status', { state: 'running' });
    hub.publish('positions', { items: 'y'.repeat(500) });
    expect(hub.since(1)).toEqual([expect.objectContaining({ id: 2, type: 'positions' })]);
    expect(hub.since(0)).toBe('reset');
  });
});
