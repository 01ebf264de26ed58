/** A NotifierPort that keeps what it was given, for tests to assert on (no delivery, never fails). */
import type { Notification, NotificationKind } from '../../src/domain/notification.js';
import type { NotifierPort, NotifierStats } from '../../src/ports/notifier.port.js';

export class RecordingNotifier implements NotifierPort {
  readonly sent: Notification[] = [];

  notify(notification: Notification): void {
    this.sent.push(notification);
  }

  async drain(): Promise<void> {}

  stats(): NotifierStats {
    return { sent: this.sent.length, failed: 0, dropped: 0, queued: 0 };
  }

  kinds(): NotificationKind[] {
    return this.sent.map((n) => n.kind);
  }

  ofKind(kind: NotificationKind): Notification[] {
    return this.sent.filter((n) => n.kind === kind);
  }
}
