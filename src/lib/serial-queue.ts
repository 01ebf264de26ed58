/**
 * Runs async work one piece at a time, in call order. A failure is returned to its caller and
 * never blocks the work behind it. `idle()` resolves once everything queued so far has run.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** resolves when the work queued before this call has settled (success or failure) */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
