/**
 * The reconnect loop both streams share: run a session, and unless stopped or told the failure
 * is fatal, wait a jittered backoff and run the next one.
 * Invariants: the backoff grows with consecutive failures and resets after a session whose
 * handshake completed; 'disconnected' is reported with the delay already scheduled; a fatal end
 * stops the loop for good; stop() during a backoff wait ends the loop at once.
 */
import type { Clock, Random } from '../../ports/clock.port.js';
import { CONNECTION_LIMIT_BACKOFF, fullJitterDelay, type BackoffPolicy } from './backoff.js';
import { resolveTimings, runWsSession, type SessionContext, type SessionEnd, type SessionTimings } from './ws-session.js';

export interface ReconnectLoopOptions {
  clock: Clock;
  random: Random;
  policy: BackoffPolicy;
  connectionLimitPolicy?: BackoffPolicy;
  stopSignal: AbortSignal;
  connect(attempt: number): Promise<SessionEnd>;
  onDisconnected(reason: string, retryInMs: number | null): void;
  onFatal(error: string): void;
}

export async function runReconnectLoop(o: ReconnectLoopOptions): Promise<void> {
  let failures = 0;
  for (let attempt = 1; !o.stopSignal.aborted; attempt++) {
    const end = await o.connect(attempt);
    if (o.stopSignal.aborted) {
      o.onDisconnected(end.reason, null);
      return;
    }
    if (end.fatal !== null) {
      o.onFatal(end.fatal);
      return;
    }
    if (end.healthy) failures = 0;
    const policy = end.backoff === 'connection_limit' ? o.connectionLimitPolicy ?? CONNECTION_LIMIT_BACKOFF : o.policy;
    const delay = fullJitterDelay(failures++, policy, o.random);
    // the timer is registered before anyone hears of the disconnect, so a test that reacts to the
    // event by advancing a manual clock always finds it
    const wait = o.clock.sleep(delay, o.stopSignal);
    o.onDisconnected(end.reason, delay);
    try {
      await wait;
    } catch {
      return; // stopped while waiting
    }
  }
}

/**
 * One stream's connection life for its client: start() runs the reconnect loop over websocket
 * sessions (once; a second start() while running is a no-op), stop() aborts it and waits for the
 * loop to end. Both Alpaca stream clients own one of these.
 */
export interface ReconnectingSocketOptions extends SessionTimings {
  url: string;
  clock: Clock;
  random: Random;
  policy: BackoffPolicy;
  connectionLimitPolicy?: BackoffPolicy;
  onOpen(ctx: SessionContext, attempt: number): void;
  onText(ctx: SessionContext, text: string, attempt: number): void;
  /** after each session, whatever its end */
  onSessionEnd?(): void;
  onDisconnected(reason: string, retryInMs: number | null): void;
  onFatal(error: string): void;
}

export class ReconnectingSocket {
  private stopController: AbortController | null = null;
  private loop: Promise<void> | null = null;

  get running(): boolean {
    return this.loop !== null;
  }

  start(o: ReconnectingSocketOptions): void {
    if (this.loop) return;
    const stop = new AbortController();
    this.stopController = stop;
    this.loop = runReconnectLoop({
      clock: o.clock,
      random: o.random,
      policy: o.policy,
      connectionLimitPolicy: o.connectionLimitPolicy,
      stopSignal: stop.signal,
      connect: (attempt) =>
        runWsSession({
          url: o.url,
          clock: o.clock,
          ...resolveTimings(o),
          stopSignal: stop.signal,
          onOpen: (ctx) => o.onOpen(ctx, attempt),
          onText: (ctx, text) => o.onText(ctx, text, attempt),
        }).finally(() => o.onSessionEnd?.()),
      onDisconnected: o.onDisconnected,
      onFatal: o.onFatal,
    }).finally(() => {
      if (this.stopController === stop) {
        this.loop = null;
        this.stopController = null;
      }
    });
  }

  async stop(): Promise<void> {
    const loop = this.loop;
    this.stopController?.abort(new Error('stopped'));
    await loop;
  }
}
