/** Production clock. asyncScheduler.now() so RxJS virtual time and Keel agree (docs/design.md §2). */
import { asyncScheduler } from 'rxjs';
import type { Clock } from '../ports/clock.port.js';

export const systemClock: Clock = {
  now: () => asyncScheduler.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
