/**
 * One websocket connection's life, for both Alpaca streams: open, decode frames, keep-alive, end.
 * Invariants:
 *  - the session resolves exactly once, with the FIRST reason it ended for;
 *  - text and binary frames are both decoded as UTF-8 (paper trade_updates arrive as binary);
 *    a one-byte 0x01 binary frame is a heartbeat and is dropped;
 *  - liveness: a ws ping every pingIntervalMs; no pong (or any frame) within pongTimeoutMs → dead;
 *  - a handshake not completed (markHealthy) within handshakeTimeoutMs → dead;
 *  - all timers run on the injected Clock.
 */
import WebSocket, { type RawData } from 'ws';
import type { Clock } from '../../ports/clock.port.js';

const CLOSE_GRACE_MS = 2_000;

export interface SessionEnd {
  reason: string;
  /** set when reconnecting cannot help (bad keys, plan limits) */
  fatal: string | null;
  /** which backoff applies before the next attempt */
  backoff: 'normal' | 'connection_limit';
  /** the handshake completed at some point (resets the backoff) */
  healthy: boolean;
}

export interface SessionContext {
  send(message: unknown): void;
  /** marks the handshake complete */
  markHealthy(): void;
  /** closes the socket; the first call decides the outcome */
  end(outcome: { reason: string; fatal?: string; backoff?: SessionEnd['backoff'] }): void;
  readonly ended: boolean;
}

export interface SessionOptions {
  url: string;
  clock: Clock;
  pingIntervalMs: number | null;
  pongTimeoutMs: number;
  handshakeTimeoutMs: number | null;
  /** aborted by the owner's stop() */
  stopSignal: AbortSignal;
  onOpen(ctx: SessionContext): void;
  onText(ctx: SessionContext, text: string): void;
}

/** Keep-alive tuning a stream client accepts; undefined = default, null = off. */
export interface SessionTimings {
  pingIntervalMs?: number | null;
  pongTimeoutMs?: number;
  handshakeTimeoutMs?: number | null;
}

/** Defaults: ping every 10 s (as the Python SDKs), 10 s for the pong, 15 s for the handshake. */
export function resolveTimings(t: SessionTimings): Pick<SessionOptions, 'pingIntervalMs' | 'pongTimeoutMs' | 'handshakeTimeoutMs'> {
  return {
    pingIntervalMs: t.pingIntervalMs === undefined ? 10_000 : t.pingIntervalMs,
    pongTimeoutMs: t.pongTimeoutMs ?? 10_000,
    handshakeTimeoutMs: t.handshakeTimeoutMs === undefined ? 15_000 : t.handshakeTimeoutMs,
  };
}

export function runWsSession(opts: SessionOptions): Promise<SessionEnd> {
  return new Promise<SessionEnd>((resolve) => {
    const timers = new AbortController();
    const closeGrace = new AbortController();
    const ws = new WebSocket(opts.url);
    let outcome: SessionEnd | null = null;
    let healthy = false;
    let alive = true;

    const ctx: SessionContext = {
      send: (message) => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message)); },
      markHealthy: () => { healthy = true; },
      end: (o) => {
        if (outcome) return;
        outcome = { reason: o.reason, fatal: o.fatal ?? null, backoff: o.backoff ?? 'normal', healthy };
        timers.abort();
        if (ws.readyState !== WebSocket.OPEN) {
          ws.terminate();
          return;
        }
        // a clean close lets Alpaca free the session at once (a half-dead one blocks the next
        // data-stream login with 406); a peer that never answers the close frame is cut off
        ws.close(1000);
        opts.clock.sleep(CLOSE_GRACE_MS, closeGrace.signal).then(() => ws.terminate(), () => undefined);
      },
      get ended() { return outcome !== null; },
    };

    const onStop = () => ctx.end({ reason: 'stopped' });
    opts.stopSignal.addEventListener('abort', onStop, { once: true });
    if (opts.stopSignal.aborted) onStop();

    ws.on('open', () => {
      if (outcome) return;
      opts.onOpen(ctx);
      if (opts.pingIntervalMs !== null) void keepAlive(opts.pingIntervalMs);
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      alive = true;
      const buf = toBuffer(data);
      if (isBinary && buf.length === 1 && buf[0] === 0x01) return;
      if (!outcome) opts.onText(ctx, buf.toString('utf8'));
    });
    ws.on('pong', () => { alive = true; });
    ws.on('error', (err: Error) => ctx.end({ reason: `socket error: ${err.message}` }));
    ws.on('close', (code: number, reason: Buffer) => {
      ctx.end({ reason: `closed by server (${code}${reason.length ? ` ${reason.toString('utf8')}` : ''})` });
      opts.stopSignal.removeEventListener('abort', onStop);
      timers.abort();
      closeGrace.abort();
      resolve(outcome as SessionEnd);
    });

    if (opts.handshakeTimeoutMs !== null) {
      const ms = opts.handshakeTimeoutMs;
      opts.clock.sleep(ms, timers.signal).then(
        () => { if (!healthy) ctx.end({ reason: `handshake not completed within ${ms} ms` }); },
        () => undefined,
      );
    }

    async function keepAlive(intervalMs: number): Promise<void> {
      try {
        for (;;) {
          await opts.clock.sleep(intervalMs, timers.signal);
          alive = false;
          ws.ping();
          await opts.clock.sleep(opts.pongTimeoutMs, timers.signal);
          if (!alive) {
            ctx.end({ reason: `no pong within ${opts.pongTimeoutMs} ms` });
            ws.terminate(); // a dead peer will not answer a close frame either
            return;
          }
        }
      } catch {
        // session over: timers aborted
      }
    }
  });
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
