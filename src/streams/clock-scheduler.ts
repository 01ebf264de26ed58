/**
 * An RxJS scheduler on Keel's injected Clock, so timed operators (the snapshot poll, staleness)
 * run on ManualClock in tests and on the system clock in production — one notion of time.
 * Each scheduled action waits with clock.sleep (abortable); unsubscribing aborts the wait.
 */
import { Subscription, type SchedulerAction, type SchedulerLike } from 'rxjs';
import type { Clock } from '../ports/clock.port.js';

class ClockAction<T> extends Subscription implements SchedulerAction<T> {
  private abort: AbortController | null = null;

  constructor(private readonly clock: Clock, private readonly work: (this: SchedulerAction<T>, state?: T) => void) {
    super(() => this.abort?.abort(new Error('unsubscribed')));
  }

  schedule(state?: T, delay = 0): Subscription {
    if (this.closed) return this;
    this.abort?.abort(new Error('rescheduled'));
    const abort = new AbortController();
    this.abort = abort;
    this.clock.sleep(delay, abort.signal).then(() => {
      if (!this.closed && !abort.signal.aborted) this.work.call(this, state);
    }, () => undefined);
    return this;
  }
}

export function clockScheduler(clock: Clock): SchedulerLike {
  return {
    now: () => clock.now(),
    schedule<T>(work: (this: SchedulerAction<T>, state?: T) => void, delay = 0, state?: T): Subscription {
      return new ClockAction<T>(clock, work).schedule(state, delay);
    },
  };
}
