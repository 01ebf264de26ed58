/**
 * A clock for tests and the simulated exchange: time moves only when told to.
 * `sleep` registers a timer that fires when `advance`/`set` passes its due time.
 * With `autoAdvance`, a sleep moves time forward by itself at once (for retry/backoff code
 * whose delays a test wants to record, not wait for); `sleeps` lists every requested delay.
 */
import type { Clock } from '../ports/clock.port.js';

interface Timer {
  due: number;
  seq: number;
  resolve: () => void;
}

export class ManualClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private seq = 0;
  readonly sleeps: number[] = [];

  constructor(start: number | string = Date.parse('2026-11-23T15:00:00Z'), private readonly autoAdvance = false) {
    this.current = typeof start === 'string' ? Date.parse(start) : start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.autoAdvance) {
      this.current += Math.max(0, ms);
      this.fireDue();
      return Promise.resolve();
    }
    // already due (like setTimeout(fn, 0) on the system clock): resolve without waiting for a tick
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      // a fired timer lets go of its abort listener: a long-lived signal (a periodic job's) must not collect one per sleep
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal?.reason);
      };
      const timer: Timer = { due: this.current + Math.max(0, ms), seq: this.seq++, resolve: () => { signal?.removeEventListener('abort', onAbort); resolve(); } };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** moves time forward, firing timers in due order */
  advance(ms: number): void {
    this.set(this.current + ms);
  }

  set(to: number | string): void {
    const target = typeof to === 'string' ? Date.parse(to) : to;
    if (target < this.current) throw new Error(`ManualClock cannot go back in time (${target} < ${this.current})`);
    this.current = target;
    this.fireDue();
  }

  /** timers waiting */
  get pending(): number {
    return this.timers.length;
  }

  private fireDue(): void {
    const due = this.timers.filter((t) => t.due <= this.current).sort((a, b) => a.due - b.due || a.seq - b.seq);
    this.timers = this.timers.filter((t) => t.due > this.current);
    for (const t of due) t.resolve();
  }
}
