import { describe, expect, it } from 'vitest';
import { AccountCache } from '../../src/control/pipeline/account-cache.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import type { Account } from '../../src/domain/account.js';
import { Decimal } from '../../src/domain/money.js';
import type { BrokerPort } from '../../src/ports/broker.port.js';
import { anAccount } from '../support/alpaca-builders.js';

/** a broker whose account reads are counted and answered at once */
function countingBroker(account: () => Account) {
  const reads: number[] = [];
  const clock = new ManualClock();
  const broker = { getAccount: async () => { reads.push(clock.now()); return account(); } } as Pick<BrokerPort, 'getAccount'> as BrokerPort;
  const cache = new AccountCache({ clock, broker: () => broker, minRereadMs: 500 });
  return { clock, cache, reads };
}

/** lets the reads started so far finish */
const settle = async () => { for (let i = 0; i < 10; i++) await Promise.resolve(); };

describe('event-triggered account re-reads are throttled', () => {
  it('reads at once after a quiet spell, then a burst shares one read at the end of the window', async () => {
    const { clock, cache, reads } = countingBroker(() => anAccount());
    cache.refreshSoon();
    await settle();
    expect(reads).toEqual([clock.now()]);
    const t0 = clock.now();
    for (let i = 0; i < 50; i++) { clock.advance(2); cache.refreshSoon(); await settle(); }
    expect(reads).toHaveLength(1); // 50 closes within 100 ms: none read yet
    clock.advance(400); // the window (500 ms from the first read) ends
    await settle();
    expect(reads).toEqual([t0, t0 + 500]);
    clock.advance(1_000); // quiet again: the next event reads at once
    cache.refreshSoon();
    await settle();
    expect(reads).toHaveLength(3);
  });

  it('keeps a settled entry reserved until a read that started after it settled', async () => {
    let buyingPower = new Decimal(1_000);
    const { clock, cache, reads } = countingBroker(() => anAccount({ buyingPower }));
    await cache.refresh();
    cache.reserve('t1', new Decimal(100));
    buyingPower = new Decimal(900); // the broker took t1's dollars when it accepted the order
    cache.settled('t1', 'accepted'); // first event after a quiet spell: read at once
    await settle();
    expect(reads).toHaveLength(2);
    cache.reserve('t2', new Decimal(50));
    clock.advance(10);
    cache.settled('t2', 'accepted'); // inside the window: the read waits
    buyingPower = new Decimal(850);
    await settle();
    expect(reads).toHaveLength(2);
    const during = cache.lookup();
    expect(during.kind === 'fresh' && during.buyingPower.toFixed()).toBe('850'); // 900 read − t2 still reserved
    clock.advance(500);
    await settle();
    expect(reads).toHaveLength(3);
    const after = cache.lookup();
    expect(after.kind === 'fresh' && [after.buyingPower.toFixed(), after.reserved.toFixed()]).toEqual(['850', '0']);
  });

  it('drops a pending read on dispose and throttles afresh afterwards', async () => {
    const { clock, cache, reads } = countingBroker(() => anAccount());
    cache.refreshSoon();
    clock.advance(1);
    cache.refreshSoon();
    await settle();
    cache.dispose();
    clock.advance(1_000);
    await settle();
    expect(reads).toHaveLength(1);
    cache.refreshSoon();
    await settle();
    expect(reads).toHaveLength(2);
  });
});
