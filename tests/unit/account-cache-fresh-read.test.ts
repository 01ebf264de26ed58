/** The account cache's two reads for records and display: readFresh (a read started after the call) and peek (no read). */
import { describe, expect, it } from 'vitest';
import { AccountCache } from '../../src/control/pipeline/account-cache.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import type { Account } from '../../src/domain/account.js';
import { dec } from '../../src/domain/money.js';
import type { BrokerPort } from '../../src/ports/broker.port.js';
import { anAccount } from '../support/alpaca-builders.js';

/** a broker whose account reads wait until the test answers them */
function heldBroker() {
  const pending: Array<{ resolve: (a: Account) => void; reject: (e: Error) => void }> = [];
  const broker = {
    getAccount: () => new Promise<Account>((resolve, reject) => { pending.push({ resolve, reject }); }),
  } as Pick<BrokerPort, 'getAccount'> as BrokerPort;
  const clock = new ManualClock();
  const cache = new AccountCache({ clock, broker: () => broker });
  return { clock, cache, pending };
}

const settle = async () => { for (let i = 0; i < 10; i++) await Promise.resolve(); };

describe('account cache: fresh reads and peeks', () => {
  it('readFresh waits for a read that starts after the call, not for the one already running', async () => {
    const { cache, pending } = heldBroker();
    void cache.refresh(); // a read already running (it may predate what the caller records)
    const fresh = cache.readFresh();
    await settle();
    pending.shift()?.resolve(anAccount({ equity: dec(100) }));
    await settle();
    pending.shift()?.resolve(anAccount({ equity: dec(200) }));
    expect((await fresh)?.equity.toFixed()).toBe('200');
  });

  it('readFresh answers null when its read fails, even with an older snapshot at hand', async () => {
    const { cache, pending } = heldBroker();
    const first = cache.refresh();
    await settle();
    pending.shift()?.resolve(anAccount({ equity: dec(100), cash: dec(40) }));
    await first;
    const fresh = cache.readFresh();
    await settle();
    pending.shift()?.reject(new Error('503 from the broker'));
    expect(await fresh).toBeNull();
    // the older snapshot is still what the status may show, as of its own read
    expect(cache.peek()).toMatchObject({ equity: dec(100), cash: dec(40) });
  });

  it('peek never starts a read, however old the snapshot', async () => {
    const { clock, cache, pending } = heldBroker();
    expect(cache.peek()).toBeNull();
    expect(pending).toHaveLength(0);
    const first = cache.refresh();
    await settle();
    pending.shift()?.resolve(anAccount());
    await first;
    clock.advance(3_600_000);
    expect(cache.peek()?.at).toBe(clock.now() - 3_600_000);
    await settle();
    expect(pending).toHaveLength(0);
  });
});
