/**
 * The stock market-data stream (/v2/{iex|sip|delayed_sip|test}, docs/alpaca.md §9).
 * Invariants: every server message is a JSON array in a text frame; `connected` is sent first;
 * a connection must authenticate (message or upgrade headers) within the auth timeout (404) and
 * only one authenticated connection per key per feed may exist (406, newcomer closed);
 * subscribe/unsubscribe are deltas and every reply states the FULL subscription; a delta that
 * would exceed the symbol limit is refused (405) and changes nothing; data flows only to
 * authenticated connections for subscribed symbols ("*" = all).
 */
import type { IncomingMessage } from 'node:http';
import type { Observable, Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import { barToStreamMessage, quoteToStreamMessage, tradeToStreamMessage } from '../../alpaca/serialize.js';
import type { Clock } from '../../../ports/clock.port.js';
import type { SimExchangeCore } from '../exchange.types.js';
import { credentialsAccepted, type SimCredentials } from './auth.js';

export const DATA_FEEDS = ['iex', 'sip', 'delayed_sip', 'test'] as const;
export type SimDataFeed = (typeof DATA_FEEDS)[number];

const CHANNELS = ['trades', 'quotes', 'bars', 'updatedBars', 'dailyBars', 'statuses', 'lulds'] as const;
type Channel = (typeof CHANNELS)[number];
const SYMBOL = /^(\*|[A-Za-z0-9.\/-]{1,21})$/;

type MarketEvent = SimExchangeCore['marketEvents$'] extends Observable<infer E> ? E : never;

interface Connection {
  ws: WebSocket;
  feed: SimDataFeed;
  keyId: string | null;
  subs: Record<Channel, Set<string>>;
  authTimer: AbortController;
}

export interface DataStreamOptions {
  events$: Observable<MarketEvent>;
  clock: Clock;
  credentials: SimCredentials | undefined;
  authTimeoutMs: number;
  symbolLimit: number;
  onError: (error: unknown) => void;
}

function emptySubs(): Record<Channel, Set<string>> {
  return Object.fromEntries(CHANNELS.map((ch) => [ch, new Set<string>()])) as Record<Channel, Set<string>>;
}

export class DataStreamHub {
  private readonly connections = new Set<Connection>();
  private readonly subscription: Subscription;

  constructor(private readonly opts: DataStreamOptions) {
    this.subscription = opts.events$.subscribe({
      next: (event) => this.onEvent(event),
      error: (error: unknown) => opts.onError(error),
    });
  }

  accept(ws: WebSocket, feed: SimDataFeed, request: IncomingMessage): void {
    const conn: Connection = { ws, feed, keyId: null, subs: emptySubs(), authTimer: new AbortController() };
    this.connections.add(conn);
    ws.on('message', (data) => this.onMessage(conn, String(data)));
    ws.on('close', () => this.forget(conn));
    ws.on('error', () => this.forget(conn));
    this.send(conn, [{ T: 'success', msg: 'connected' }]);
    const key = request.headers['apca-api-key-id'];
    const secret = request.headers['apca-api-secret-key'];
    if (key !== undefined || secret !== undefined) {
      this.authenticate(conn, typeof key === 'string' ? key : null, typeof secret === 'string' ? secret : null);
    }
    if (conn.keyId === null && this.connections.has(conn)) this.startAuthTimer(conn);
  }

  private startAuthTimer(conn: Connection): void {
    this.opts.clock.sleep(this.opts.authTimeoutMs, conn.authTimer.signal).then(
      () => {
        if (conn.keyId !== null || !this.connections.has(conn)) return;
        this.fail(conn, 404, 'auth timeout', true);
      },
      () => undefined, // aborted: authenticated or gone
    );
  }

  private forget(conn: Connection): void {
    conn.authTimer.abort();
    this.connections.delete(conn);
  }

  private send(conn: Connection, messages: unknown[]): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(messages));
  }

  private fail(conn: Connection, code: number, msg: string, close = false): void {
    this.send(conn, [{ T: 'error', code, msg }]);
    if (close) {
      this.forget(conn);
      conn.ws.close();
    }
  }

  private authenticate(conn: Connection, key: string | null, secret: string | null): void {
    if (conn.keyId !== null) return this.fail(conn, 403, 'already authenticated');
    if (!credentialsAccepted(this.opts.credentials, key, secret)) return this.fail(conn, 402, 'auth failed');
    const taken = [...this.connections].some((other) => other !== conn && other.feed === conn.feed && other.keyId === key);
    if (taken) return this.fail(conn, 406, 'connection limit exceeded', true);
    conn.keyId = key;
    conn.authTimer.abort();
    this.send(conn, [{ T: 'success', msg: 'authenticated' }]);
  }

  private onMessage(conn: Connection, text: string): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return this.fail(conn, 400, 'invalid syntax');
    }
    if (typeof msg !== 'object' || msg === null) return this.fail(conn, 400, 'invalid syntax');
    if (msg.action === 'auth') {
      return this.authenticate(conn, typeof msg.key === 'string' ? msg.key : null, typeof msg.secret === 'string' ? msg.secret : null);
    }
    if (msg.action !== 'subscribe' && msg.action !== 'unsubscribe') return this.fail(conn, 400, 'invalid syntax');
    if (conn.keyId === null) return this.fail(conn, 401, 'not authenticated');
    this.applyDelta(conn, msg, msg.action === 'subscribe');
  }

  private applyDelta(conn: Connection, msg: Record<string, unknown>, add: boolean): void {
    const next = Object.fromEntries(CHANNELS.map((ch) => [ch, new Set(conn.subs[ch])])) as Record<Channel, Set<string>>;
    for (const channel of CHANNELS) {
      const list = msg[channel];
      if (list === undefined) continue;
      if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && SYMBOL.test(s))) {
        return this.fail(conn, 400, 'invalid syntax');
      }
      for (const symbol of list as string[]) {
        const normalized = symbol.toUpperCase();
        if (add) next[channel].add(normalized);
        else next[channel].delete(normalized);
      }
    }
    const distinct = new Set(CHANNELS.flatMap((ch) => [...next[ch]]).filter((s) => s !== '*'));
    if (distinct.size > this.opts.symbolLimit) return this.fail(conn, 405, 'symbol limit exceeded');
    conn.subs = next;
    const state = Object.fromEntries(CHANNELS.map((ch) => [ch, [...next[ch]]]));
    this.send(conn, [{ T: 'subscription', ...state, corrections: [...next.trades], cancelErrors: [...next.trades] }]);
  }

  private onEvent(event: MarketEvent): void {
    try {
      const [channel, symbol, message] =
        event.T === 't'
          ? (['trades', event.trade.symbol, tradeToStreamMessage(event.trade)] as const)
          : event.T === 'q'
            ? (['quotes', event.quote.symbol, quoteToStreamMessage(event.quote)] as const)
            : (['bars', event.bar.symbol, barToStreamMessage(event.bar, 'b')] as const);
      for (const conn of this.connections) {
        if (conn.keyId === null) continue;
        const subs = conn.subs[channel];
        if (subs.has('*') || subs.has(symbol)) this.send(conn, [message]);
      }
    } catch (error) {
      // a throwing observer would end the subscription: report and keep streaming
      this.opts.onError(error);
    }
  }

  disconnectDataStreams(): void {
    for (const conn of [...this.connections]) {
      this.forget(conn);
      conn.ws.terminate();
    }
  }

  dataStreamClients(): number {
    return this.connections.size;
  }

  close(): void {
    this.subscription.unsubscribe();
    this.disconnectDataStreams();
  }
}
