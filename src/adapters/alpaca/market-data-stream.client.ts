/**
 * MarketDataStreamPort over Alpaca's stock data websocket (docs/alpaca.md §9).
 * Invariants:
 *  - handshake order: server "connected" → our auth → "authenticated" → 'connected' event →
 *    one subscribe with the whole wanted set (Alpaca forgets subscriptions between connections);
 *  - subscribe()/unsubscribe() change the wanted set at any time and are sent as deltas only
 *    while authenticated;
 *  - errors per §9.5: 402 auth failed / 409 insufficient subscription / 411 insufficient scope are
 *    fatal; 406 connection limit reconnects on the slower backoff (the old session may linger
 *    ~90 s); 405 symbol limit is reported and the stream keeps running; an error before the
 *    handshake completes ends the connection (it cannot complete).
 */
import { Observable, Subject } from 'rxjs';
import type { StreamSubscription } from '../../domain/market-data.js';
import type { Clock, Random } from '../../ports/clock.port.js';
import type { MarketDataEvent, MarketDataStreamPort } from '../../ports/market-data.port.js';
import { CONNECTION_LIMIT_BACKOFF, STREAM_BACKOFF, type BackoffPolicy } from './backoff.js';
import type { Credentials } from './credentials.js';
import { parseDataStreamFrame, type DataStreamMessage } from './parse.js';
import { ReconnectingSocket } from './reconnect.js';
import { SubscriptionSet, isEmpty, type SubscriptionDelta } from './subscription-set.js';
import type { SessionContext, SessionTimings } from './ws-session.js';
import { errorText } from '../../lib/error-text.js';

const FATAL_CODES = new Set([402, 409, 411]);
const CONNECTION_LIMIT = 406;

/** keep-alive timings (SessionTimings): ping every 10 s, pong within 10 s, handshake within 15 s by default */
export interface MarketDataStreamOptions extends SessionTimings {
  url: string;
  credentials: Credentials;
  clock: Clock;
  random: Random;
  backoff?: BackoffPolicy;
  connectionLimitBackoff?: BackoffPolicy;
}

export class AlpacaMarketDataStream implements MarketDataStreamPort {
  readonly events$: Observable<MarketDataEvent>;
  private readonly subject = new Subject<MarketDataEvent>();
  private readonly wanted = new SubscriptionSet();
  private session: SessionContext | null = null;
  private authenticated = false;
  private readonly socket = new ReconnectingSocket();

  constructor(private readonly o: MarketDataStreamOptions) {
    this.events$ = new Observable<MarketDataEvent>((subscriber) => this.subject.subscribe(subscriber));
  }

  subscribe(delta: Partial<StreamSubscription>): void {
    this.sendDelta('subscribe', this.wanted.add(delta));
  }

  unsubscribe(delta: Partial<StreamSubscription>): void {
    this.sendDelta('unsubscribe', this.wanted.remove(delta));
  }

  start(): void {
    this.socket.start({
      url: this.o.url,
      clock: this.o.clock,
      random: this.o.random,
      pingIntervalMs: this.o.pingIntervalMs,
      pongTimeoutMs: this.o.pongTimeoutMs,
      handshakeTimeoutMs: this.o.handshakeTimeoutMs,
      policy: this.o.backoff ?? STREAM_BACKOFF,
      connectionLimitPolicy: this.o.connectionLimitBackoff ?? CONNECTION_LIMIT_BACKOFF,
      onOpen: (ctx) => {
        this.authenticated = false;
        this.session = ctx;
      },
      onText: (ctx, text, attempt) => this.onText(ctx, text, attempt),
      onSessionEnd: () => {
        this.session = null;
        this.authenticated = false;
      },
      onDisconnected: (reason, retryInMs) => this.emit({ type: 'disconnected', at: this.o.clock.now(), reason, retryInMs }),
      onFatal: (error) => this.emit({ type: 'fatal', at: this.o.clock.now(), error }),
    });
  }

  stop(): Promise<void> {
    return this.socket.stop();
  }

  private sendDelta(action: 'subscribe' | 'unsubscribe', delta: SubscriptionDelta): void {
    // not connected: the wanted set is sent whole after the next authentication
    if (this.session && this.authenticated && !isEmpty(delta)) this.session.send({ action, ...delta });
  }

  private onText(ctx: SessionContext, text: string, attempt: number): void {
    let frame: DataStreamMessage[];
    try {
      frame = parseDataStreamFrame(JSON.parse(text));
    } catch (error) {
      this.emit({ type: 'error', code: 0, message: `unreadable frame: ${errorText(error)}`, at: this.o.clock.now() });
      return;
    }
    for (const m of frame) {
      if (ctx.ended) return;
      this.handle(ctx, m, attempt);
    }
  }

  private handle(ctx: SessionContext, m: DataStreamMessage, attempt: number): void {
    const at = this.o.clock.now();
    switch (m.T) {
      case 'success':
        if (m.msg === 'connected') {
          ctx.send({ action: 'auth', key: this.o.credentials.keyId(), secret: this.o.credentials.secret() });
        } else if (m.msg === 'authenticated') {
          this.authenticated = true;
          ctx.markHealthy();
          this.emit({ type: 'connected', at, attempt });
          const all = this.wanted.all();
          if (!isEmpty(all)) ctx.send({ action: 'subscribe', ...all });
        }
        return;
      case 'error':
        return this.onError(ctx, m.code, m.msg, at);
      case 'subscription':
        return this.emit({ type: 'subscription', at, subscription: m.subscription });
      case 't':
        return this.emit({ type: 'trade', trade: m.trade });
      case 'q':
        return this.emit({ type: 'quote', quote: m.quote });
      case 'b': case 'u': case 'd':
        return this.emit({ type: 'bar', kind: m.T, bar: m.bar });
      case 's':
        return this.emit({ type: 'status', symbol: m.symbol, statusCode: m.statusCode, statusMessage: m.statusMessage, at: m.t });
      case 'other':
        return;
    }
  }

  private onError(ctx: SessionContext, code: number, message: string, at: number): void {
    if (FATAL_CODES.has(code)) {
      ctx.end({ reason: `${code} ${message}`, fatal: `market data stream: ${code} ${message}` });
      return;
    }
    this.emit({ type: 'error', code, message, at });
    if (code === CONNECTION_LIMIT) ctx.end({ reason: `${code} ${message}`, backoff: 'connection_limit' });
    else if (!this.authenticated && code !== 405) ctx.end({ reason: `${code} ${message} during handshake` });
  }

  private emit(event: MarketDataEvent): void {
    this.subject.next(event);
  }
}
