/**
 * Waits for an asynchronous condition on a REAL process (a child Keel, a socket) without a timed
 * sleep: re-checks as fast as the event loop allows, bounded by a count of attempts and a
 * deadline, and fails with the last error. For code under Keel's own clock use ManualClock instead.
 */
export async function eventually<T>(check: () => Promise<T>, opts: { attempts?: number; deadlineMs?: number } = {}): Promise<T> {
  const attempts = opts.attempts ?? 100_000;
  const deadline = performance.now() + (opts.deadlineMs ?? 15_000);
  let last: unknown = new Error('never checked');
  for (let i = 0; i < attempts && performance.now() < deadline; i++) {
    try {
      return await check();
    } catch (error) {
      last = error;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  throw last;
}
