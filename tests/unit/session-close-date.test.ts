/**
 * Which session's forced close applies: the one the broker's clock says is open. A demo exchange
 * pinned open at night is in tomorrow's session: a position opened there must not be force-closed at
 * once by a 15:45 that has passed (it was, whenever the tests ran after 15:45 New York time).
 */
import { describe, expect, it } from 'vitest';
import { SessionCloseScheduler } from '../../src/actors/session-close.scheduler.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { createSimExchange } from '../../src/adapters/sim/engine/sim-exchange.js';
import type { BrokerPort } from '../../src/ports/broker.port.js';

function scheduler(at: string, pinnedOpen: boolean) {
  const clock = new ManualClock(at);
  const sim = createSimExchange({ clock, seed: 1, pinnedOpen });
  const broker = {
    getClock: async () => sim.marketClock(),
    getCalendar: async ({ start, end }: { start: string; end: string }) => {
      const r = sim.calendar(start, end);
      if (!r.ok) throw new Error('calendar');
      return r.value;
    },
  } as unknown as BrokerPort;
  const seen: Array<number | null> = [];
  const s = new SessionCloseScheduler({ broker: () => broker, clock, cron: false, onForceCloseAt: (t) => seen.push(t), onForceClose: () => undefined, onError: (m, e) => { throw e ?? new Error(m); } });
  return { s, seen };
}

describe('the forced close of the session the broker says is open', () => {
  it('is today 15:45 ET during a real session', async () => {
    const { s, seen } = scheduler('2026-12-02T17:00:00Z', false); // Wednesday 12:00 ET
    await s.start();
    expect(seen).toEqual([Date.parse('2026-12-02T20:45:00Z')]);
    await s.stop();
  });

  it("is tomorrow's 15:45 ET on an exchange pinned open at 18:00 ET (its next close is tomorrow's)", async () => {
    const { s, seen } = scheduler('2026-12-02T23:00:00Z', true); // Wednesday 18:00 ET
    await s.start();
    expect(seen).toEqual([Date.parse('2026-12-03T20:45:00Z')]);
    await s.stop();
  });
});
