/**
 * A job that runs every `everyMs` of the injected clock (the first run one period after start)
 * and on demand, one run at a time: the watchdog and the health job share it.
 * Invariants: runs never overlap (an on-demand run waits for the one in progress); a failing run is
 * reported and the timer goes on; stop() ends the timer and waits for the run in progress.
 */
import type { Clock } from '../../ports/clock.port.js';
import { SerialQueue } from '../../lib/serial-queue.js';

export interface PeriodicJobDeps<R> {
  clock: Clock;
  everyMs: () => number;
  run: () => Promise<R>;
  /** what the timer reports: a run's result, or a failure */
  onRun?: (result: R) => void;
  onError: (message: string, error: unknown) => void;
  /** e.g. 'watchdog' (for the error messages) */
  name: string;
}

export class PeriodicJob<R> {
  private readonly queue = new SerialQueue();
  private abort: AbortController | null = null;
  private loop: Promise<void> = Promise.resolve();

  constructor(private readonly deps: PeriodicJobDeps<R>) {}

  start(signal?: AbortSignal): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    signal?.addEventListener('abort', () => { void this.stop(); }, { once: true });
    this.loop = this.timerLoop(abort.signal);
  }

  async stop(): Promise<void> {
    this.abort?.abort(new Error(`${this.deps.name} stopped`));
    this.abort = null;
    await this.loop;
    await this.queue.idle();
  }

  /** one run now, after any in progress */
  runOnce(): Promise<R> {
    return this.queue.run(() => this.deps.run());
  }

  private async timerLoop(signal: AbortSignal): Promise<void> {
    try {
      for (;;) {
        await this.deps.clock.sleep(this.deps.everyMs(), signal);
        try {
          this.deps.onRun?.(await this.runOnce());
        } catch (error) {
          this.deps.onError(`${this.deps.name} run failed`, error);
        }
      }
    } catch (error) {
      if (!signal.aborted) this.deps.onError(`${this.deps.name} timer failed`, error);
    }
  }
}
