/**
 * Runs async work one piece at a time, in call order. A failure is returned to its caller and
 * never blocks the work behind it. `idle()` resolves once everything queued so far has run.
 */
/** shared by every idle queue: one per open position would cost a promise each (docs/benchmarks.md, B3) */
const SETTLED: Promise<unknown> = Promise.resolve();

export class SerialQueue {
  private tail: Promise<unknown> = SETTLED;

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work);
    // once the last piece has run, the queue goes back to the shared settled promise (a drained
    // queue holds nothing of its own: every open position has one)
    const tail: Promise<unknown> = next.then(() => { if (this.tail === tail) this.tail = SETTLED; }, () => { if (this.tail === tail) this.tail = SETTLED; });
    this.tail = tail;
    return next;
  }

  /** resolves when the work queued before this call has settled (success or failure) */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
