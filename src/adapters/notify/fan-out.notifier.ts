/**
 * Several notifiers as one, and the notifier that does nothing.
 * Invariants: every notifier gets every notification, and one that breaks its contract (throws)
 * cannot keep the others from getting it; drain() waits for all; stats are summed.
 */
import type { Notification } from '../../domain/notification.js';
import type { NotifierPort, NotifierStats } from '../../ports/notifier.port.js';

const ZERO: NotifierStats = { sent: 0, failed: 0, dropped: 0, queued: 0 };

export const nullNotifier: NotifierPort = Object.freeze({
  notify: () => undefined,
  drain: () => Promise.resolve(),
  stats: () => ({ ...ZERO }),
});

export function fanOut(notifiers: readonly NotifierPort[]): NotifierPort {
  const all = [...notifiers];
  return {
    notify(notification: Notification): void {
      for (const notifier of all) {
        try {
          notifier.notify(notification);
        } catch {
          // the port says notify() never throws; if one does anyway, the rest still get it
        }
      }
    },
    async drain(): Promise<void> {
      await Promise.all(all.map((notifier) => notifier.drain().catch(() => undefined)));
    },
    stats(): NotifierStats {
      return all.reduce<NotifierStats>((sum, notifier) => {
        const s = notifier.stats();
        return { sent: sum.sent + s.sent, failed: sum.failed + s.failed, dropped: sum.dropped + s.dropped, queued: sum.queued + s.queued };
      }, { ...ZERO });
    },
  };
}
