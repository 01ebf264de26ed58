import { describe, expect, it } from 'vitest';
import { DeliveryQueue, type Attempt } from '../../src/adapters/notify/delivery-queue.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import type { Notification } from '../../src/domain/notification.js';
import { aNotification, recordWarnings } from '../support/notify-support.js';

/** a target whose answers the test scripts one by one (the last repeats) */
function scriptedTarget(...answers: Array<Attempt | Error>) {
  const sent: Notification[] = [];
  return {
    sent,
    target: {
      label: 'fake',
      scrub: (text: string) => text,
      send: async (n: Notification): Promise<Attempt> => {
        sent.push(n);
        const answer = answers.length > 1 ? answers.shift() : answers[0];
        if (answer instanceof Error) throw answer;
        return answer as Attempt;
      },
    },
  };
}

const retry: Attempt = { outcome: 'retry', reason: 'HTTP 503', retryAfterMs: null };
const sent: Attempt = { outcome: 'sent' };

describe('DeliveryQueue', () => {
  it('retries a send that throws instead of letting the error escape', async () => {
    const { target } = scriptedTarget(new Error('bug in send'), sent);
    const queue = new DeliveryQueue(target, { clock: new ManualClock(undefined, true), random: () => 0, warn: recordWarnings() });
    queue.notify(aNotification());
    await queue.drain();
    expect(queue.stats()).toEqual({ sent: 1, failed: 0, dropped: 0, queued: 0 });
  });

  it('keeps delivering when the warn callback itself throws', async () => {
    const { target } = scriptedTarget({ outcome: 'give_up', reason: 'HTTP 400' }, sent);
    const queue = new DeliveryQueue(target, { clock: new ManualClock(), random: () => 0, warn: () => { throw new Error('logger down'); } });
    queue.notify(aNotification());
    queue.notify(aNotification());
    await queue.drain();
    expect(queue.stats()).toEqual({ sent: 1, failed: 1, dropped: 0, queued: 0 });
  });

  it('caps a huge Retry-After at five minutes', async () => {
    const clock = new ManualClock(undefined, true);
    const { target } = scriptedTarget({ outcome: 'retry', reason: 'flood', retryAfterMs: 86_400_000 }, sent);
    const queue = new DeliveryQueue(target, { clock, random: () => 0, warn: recordWarnings() });
    queue.notify(aNotification());
    await queue.drain();
    expect(clock.sleeps).toEqual([300_000]);
  });

  it('warns once per outage about drops, not once per dropped notification', async () => {
    const clock = new ManualClock(undefined, true); // notify() is synchronous, so the first stays in flight meanwhile
    const warn = recordWarnings();
    const { target } = scriptedTarget(retry, sent, sent, retry, sent, sent);
    const queue = new DeliveryQueue(target, { clock, random: () => 0, warn }, { queueLimit: 1 });
    for (let i = 0; i < 5; i++) queue.notify(aNotification()); // 1 in flight, 1 waiting, 3 dropped
    expect(queue.stats()).toMatchObject({ dropped: 3, queued: 2 });
    await queue.drain();
    expect(warn.messages).toHaveLength(1);
    for (let i = 0; i < 3; i++) queue.notify(aNotification()); // a new outage: 1 dropped
    await queue.drain();
    expect(queue.stats()).toEqual({ sent: 4, failed: 0, dropped: 4, queued: 0 });
    expect(warn.messages).toHaveLength(2);
  });
});
