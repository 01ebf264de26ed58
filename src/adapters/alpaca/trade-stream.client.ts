/**
 * TradeStreamPort over Alpaca's trade_updates websocket (docs/alpaca.md §7, recovery per §3.5).
 * Invariants:
 *  - 'connected' is emitted only once the server confirms it is listening to trade_updates, and
 *    the REST resync starts only AFTER that (stream first, REST second), so no fill falls between;
 *  - every frame is decoded as UTF-8 JSON whether text or binary, and parsed by parse.ts only;
 *  - anything Keel cannot read (unknown event, bad order, bad JSON) becomes 'refresh_order', never
 *    a guess;
 *  - unauthorized is fatal (reconnecting with bad keys only burns attempts); every other end of a
 *    connection is followed by 'disconnected' with the backoff already scheduled.
 */
import { Observable, Subject } from 'rxjs';
import type { BrokerPort } from '../../ports/broker.port.js';
import type { Clock, Random } from '../../ports/clock.port.js';
import type { TradeStreamEvent, TradeStreamPort } from '../../ports/trade-stream.port.js';
import type { TradeUpdate } from '../../domain/trade-update.js';
import { STREAM_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { Credentials } from './credentials.js';
import { parseTradeStreamMessage, type TradeStreamMessage } from './parse.js';
import { ReconnectingSocket } from './reconnect.js';
import type { SessionContext, SessionTimings } from './ws-session.js';
import { errorText } from '../../lib/error-text.js';

export type TradeStreamAuthForm = 'auth' | 'authenticate';

/** keep-alive timings (SessionTimings): ping every 10 s, pong within 10 s, handshake within 15 s by default */
export interface TradeStreamOptions extends SessionTimings {
  url: string;
  credentials: Credentials;
  broker: Pick<BrokerPort, 'listAllOrders' | 'listFillActivities'>;
  clock: Clock;
  random: Random;
  /** 'auth' = current docs; 'authenticate' = legacy SDK form (both accepted by Alpaca) */
  authForm?: TradeStreamAuthForm;
  /** fills are re-read from (last event time − margin); default 2 min for clock skew */
  resyncMarginMs?: number;
  backoff?: BackoffPolicy;
}

export class AlpacaTradeStream implements TradeStreamPort {
  readonly events$: Observable<TradeStreamEvent>;
  private readonly subject = new Subject<TradeStreamEvent>();
  private readonly socket = new ReconnectingSocket();
  private startedAt: number | null = null;
  private lastEventAt: number | null = null;
  /** listening on trade_updates since the last 'connected' (until a disconnect) */
  private listening = false;

  constructor(private readonly o: TradeStreamOptions) {
    // hot and shared; the first subscriber starts the connection (the port's contract)
    this.events$ = new Observable<TradeStreamEvent>((subscriber) => {
      const subscription = this.subject.subscribe(subscriber);
      if (this.startedAt === null) this.start();
      return subscription;
    });
  }

  start(): void {
    if (this.socket.running) return;
    this.startedAt ??= this.o.clock.now();
    this.socket.start({
      url: this.o.url,
      clock: this.o.clock,
      random: this.o.random,
      pingIntervalMs: this.o.pingIntervalMs,
      pongTimeoutMs: this.o.pongTimeoutMs,
      handshakeTimeoutMs: this.o.handshakeTimeoutMs,
      policy: this.o.backoff ?? STREAM_BACKOFF,
      onOpen: (ctx) => ctx.send(this.authMessage()),
      onText: (ctx, text, attempt) => this.onText(ctx, text, attempt),
      onDisconnected: (reason, retryInMs) => { this.listening = false; this.emit({ type: 'disconnected', at: this.o.clock.now(), reason, retryInMs }); },
      onFatal: (error) => { this.listening = false; this.emit({ type: 'fatal', at: this.o.clock.now(), error }); },
    });
  }

  stop(): Promise<void> {
    return this.socket.stop();
  }

  requestResync(): void {
    if (this.listening) void this.resync();
  }

  private authMessage(): unknown {
    const c = this.o.credentials;
    return (this.o.authForm ?? 'auth') === 'auth'
      ? { action: 'auth', key: c.keyId(), secret: c.secret() }
      : { action: 'authenticate', data: { key_id: c.keyId(), secret_key: c.secret() } };
  }

  private onText(ctx: SessionContext, text: string, attempt: number): void {
    const receivedAt = this.o.clock.now();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.emit({ type: 'refresh_order', orderId: null, reason: 'unparseable frame', raw: text, receivedAt });
      return;
    }
    let message: TradeStreamMessage;
    try {
      message = parseTradeStreamMessage(json);
    } catch (error) {
      this.emit({ type: 'refresh_order', orderId: orderIdOf(json), reason: `unparseable message: ${errorText(error)}`, raw: json, receivedAt });
      return;
    }
    this.handle(ctx, message, attempt, receivedAt);
  }

  private handle(ctx: SessionContext, m: TradeStreamMessage, attempt: number, receivedAt: number): void {
    switch (m.kind) {
      case 'authorization':
        if (m.status !== 'authorized') {
          ctx.end({ reason: 'unauthorized', fatal: `trade stream unauthorized${m.message ? `: ${m.message}` : ''}` });
        } else {
          ctx.send({ action: 'listen', data: { streams: ['trade_updates'] } });
        }
        return;
      case 'listening':
        if (!m.streams.includes('trade_updates')) {
          ctx.end({ reason: 'server did not grant trade_updates' });
          return;
        }
        ctx.markHealthy();
        this.listening = true;
        this.emit({ type: 'connected', at: receivedAt, attempt });
        void this.resync();
        return;
      case 'trade_update':
        this.noteEventTime(m.update, receivedAt);
        if (m.update.event === 'unknown') {
          this.emit({ type: 'refresh_order', orderId: m.update.order.id, reason: `unknown event ${m.update.eventRaw}`, raw: m.update, receivedAt });
        } else {
          this.emit({ type: 'trade_update', update: m.update, receivedAt });
        }
        return;
      case 'trade_update_unparsed':
        this.emit({ type: 'refresh_order', orderId: m.orderId, reason: m.event ? `unreadable ${m.event} event: ${m.problems.join('; ')}` : m.problems.join('; '), raw: m.raw, receivedAt });
        return;
      case 'error':
        ctx.end({ reason: `stream error: ${m.message}` });
        return;
      case 'other':
        return;
    }
  }

  /** catch-up of what the socket may have missed; REST after the stream, never before */
  private async resync(): Promise<void> {
    // `after` is exclusive and broker clocks drift: always look back a margin, also on the first connect
    const anchor = this.lastEventAt ?? this.startedAt ?? this.o.clock.now();
    const since = anchor - (this.o.resyncMarginMs ?? 120_000);
    try {
      const openOrders = await this.o.broker.listAllOrders({ status: 'open', nested: true });
      const fills = await this.o.broker.listFillActivities({ after: since, direction: 'asc' });
      this.emit({ type: 'resynced', at: this.o.clock.now(), since, openOrders, fills });
    } catch (error) {
      this.emit({ type: 'resync_failed', at: this.o.clock.now(), error: errorText(error) });
    }
  }

  private noteEventTime(update: TradeUpdate, receivedAt: number): void {
    const t = update.at ?? update.timestamp ?? receivedAt;
    this.lastEventAt = this.lastEventAt === null ? t : Math.max(this.lastEventAt, t);
  }

  private emit(event: TradeStreamEvent): void {
    this.subject.next(event);
  }
}

function orderIdOf(json: unknown): string | null {
  const id = (json as { data?: { order?: { id?: unknown } } } | null)?.data?.order?.id;
  return typeof id === 'string' ? id : null;
}
