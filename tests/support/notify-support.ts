/**
 * Notifier test helpers: a Notification builder, a warn recorder and a wait for the delivery loop
 * to park on the ManualClock (a real HTTP answer has to arrive first, so this waits on I/O with
 * eventually(); the backoff itself then only moves when the test advances the clock).
 */
import { createServer } from 'node:net';
import type { ManualClock } from '../../src/clock/manual.clock.js';
import type { Notification } from '../../src/domain/notification.js';
import { eventually } from './eventually.js';

let seq = 0;

export function aNotification(overrides: Partial<Notification> = {}): Notification {
  seq++;
  return {
    kind: 'exit_filled',
    severity: 'info',
    title: `Exit ABCD: hard_stop, -$3.50 (#${seq})`,
    text: 'Sold 10 ABCD at 12.15; held 14 min.',
    at: Date.parse('2026-11-23T15:00:00Z'),
    key: `exit_filled:trade-${seq}`,
    data: { tradeId: `trade-${seq}`, pnl: '-3.50' },
    ...overrides,
  };
}

export interface WarnRecorder {
  (message: string, error?: unknown): void;
  readonly messages: string[];
}

export function recordWarnings(): WarnRecorder {
  const messages: string[] = [];
  const warn = ((message: string, error?: unknown) => {
    messages.push(error === undefined ? message : `${message} ${String(error)}`);
  }) as WarnRecorder;
  Object.defineProperty(warn, 'messages', { value: messages });
  return warn;
}

/** resolves once the clock has been asked for `count` sleeps in total and one is waiting */
export async function untilSleeping(clock: ManualClock, count: number): Promise<number> {
  return eventually(async () => {
    if (clock.sleeps.length < count || clock.pending === 0) throw new Error(`expected sleep #${count}, saw ${clock.sleeps.length}`);
    return clock.sleeps[count - 1] as number;
  });
}

/** a loopback port nobody listens on (bound then released) */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
