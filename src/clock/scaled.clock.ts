/**
 * Time N× faster than a base clock (the demo: 60× by default), from a chosen start: now() =
 * start + (base elapsed) × speed, and a sleep of `ms` waits ms ÷ speed of the base clock's time.
 * Every timer in Keel and in the simulated exchange is a sleep on the injected Clock, so a whole
 * session (the open, fills, max-hold exits, the 15:45 force close) plays out at N× on it.
 * Invariants: time never goes back (the base's does not); a sleep resolves no earlier than its due
 * time on this clock (the base wait is rounded up to whole base milliseconds, and a wait that comes
 * back early — timers are coarse — waits again for the rest); an aborted sleep rejects with the
 * signal's reason; even a sleep of 0 waits one base sleep (one turn of the event loop on the system
 * clock).
 */
import type { Clock } from '../ports/clock.port.js';

export interface ScaledClockOptions {
  /** the clock whose time is scaled (the system clock; a ManualClock in tests) */
  base: Clock;
  /** epoch ms this clock reads at construction */
  start: number;
  /** how many of this clock's ms pass per base ms (> 0) */
  speed: number;
}

export class ScaledClock implements Clock {
  private readonly base: Clock;
  private readonly baseStart: number;
  readonly start: number;
  readonly speed: number;

  constructor(opts: ScaledClockOptions) {
    if (!(opts.speed > 0) || !Number.isFinite(opts.speed)) throw new Error(`ScaledClock speed must be a positive number, got ${opts.speed}`);
    if (!Number.isFinite(opts.start)) throw new Error(`ScaledClock start must be epoch milliseconds, got ${opts.start}`);
    this.base = opts.base;
    this.baseStart = opts.base.now();
    this.start = opts.start;
    this.speed = opts.speed;
  }

  now(): number {
    return this.start + Math.floor((this.base.now() - this.baseStart) * this.speed);
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    const due = this.now() + Math.max(0, ms);
    // at least one base sleep, as the system clock's sleep(0) is a turn of the event loop: a loop of
    // zero-length sleeps must not starve I/O
    let left = due - this.now();
    do {
      await this.base.sleep(Math.max(0, Math.ceil(left / this.speed)), signal);
      left = due - this.now();
    } while (left > 0);
  }
}
