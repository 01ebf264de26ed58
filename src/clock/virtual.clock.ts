/**
 * The "as fast as possible" clock of a backtest: discrete events. Time stands still while Keel and
 * the exchange work, and jumps — only when the runner says so — to the next thing due: a sleep's
 * due time, the next price of the recorded data, the next signal. Nothing waits for real time.
 * Invariants:
 *  - time never goes back; `advanceTo(t)` refuses a t before now and a t past the earliest
 *    sleep still due (a jump over a timer would fire it late: the runner always goes to
 *    min(next due, next data point));
 *  - sleeps due at the same time resolve in the order they were asked for; a sleep of ≤ 0 ms
 *    resolves at once (like ManualClock: a loop of zero-length sleeps is the caller's to bound);
 *  - an aborted sleep rejects with the signal's reason and is forgotten (it holds no timer);
 *  - `activity` counts every sleep asked for and every timer fired: the runner's idle check sees
 *    work that only touched the clock.
 * The timers sit in a binary heap (every periodic job of a running Keel keeps one sleep pending:
 * a jump costs O(log n), not a sort of all of them).
 */
import type { Clock } from '../ports/clock.port.js';

interface Timer {
  due: number;
  seq: number;
  resolve: () => void;
  /** set when aborted: dropped when it reaches the top of the heap */
  dead: boolean;
}

export class VirtualClock implements Clock {
  private current: number;
  private readonly heap: Timer[] = [];
  private seq = 0;
  /** see the invariants: changes whenever the clock is used */
  activity = 0;

  constructor(start: number) {
    if (!Number.isFinite(start)) throw new Error(`VirtualClock start must be epoch milliseconds, got ${start}`);
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.activity++;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        timer.dead = true;
        this.activity++;
        reject(signal?.reason);
      };
      const timer: Timer = {
        due: this.current + ms, seq: this.seq++, dead: false,
        resolve: () => { signal?.removeEventListener('abort', onAbort); resolve(); },
      };
      this.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** the earliest due time of a live sleep; null when nothing sleeps */
  nextDue(): number | null {
    this.dropDead();
    return this.heap[0]?.due ?? null;
  }

  /** moves time to `t` and resolves every sleep due at or before it, in due order */
  advanceTo(t: number): void {
    if (t < this.current) throw new Error(`VirtualClock cannot go back in time (${t} < ${this.current})`);
    const next = this.nextDue();
    if (next !== null && t > next) throw new Error(`VirtualClock cannot jump over a timer due at ${next} (asked for ${t})`);
    this.current = t;
    for (;;) {
      this.dropDead();
      const top = this.heap[0];
      if (!top || top.due > t) break;
      this.pop();
      this.activity++;
      top.resolve();
    }
  }

  /** live sleeps waiting */
  get pending(): number {
    return this.heap.filter((timer) => !timer.dead).length;
  }

  private dropDead(): void {
    while (this.heap.length > 0 && this.heap[0]!.dead) this.pop();
  }

  private before(a: Timer, b: Timer): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(timer: Timer): void {
    const h = this.heap;
    h.push(timer);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < h.length && this.before(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.before(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
