/**
 * The trade_updates stream (/stream, docs/alpaca.md §7).
 * Invariants: only authorized clients that listen to trade_updates receive events; events go out
 * in core order, one JSON object per frame (binary by default, as paper does), and never before
 * the HTTP response of the request that caused them (the core emits some events, e.g. 'canceled',
 * synchronously inside the request, so frames leave through an outbox flushed by setImmediate,
 * after the response has been written); `listen` replaces
 * the stream set; scripted faults (drop, duplicate, hold/release, disconnect, refuse, raw frame)
 * act on the whole stream so every client sees the same gap or duplicate. While refusing (an
 * outage that outlasts reconnects), no socket is open and events reach nobody: they are lost as
 * they would be at the broker, and only the client's REST catch-up recovers them.
 */
import type { Observable, Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import { tradeUpdateToWire } from '../../alpaca/serialize.js';
import type { TradeUpdate } from '../../../domain/trade-update.js';
import { credentialsAccepted, type SimCredentials } from './auth.js';

export interface TradeStreamFaults {
  /** the next n core events are never sent */
  dropNextEvents(n: number): void;
  /** the next n core events are sent twice */
  duplicateNextEvents(n: number): void;
  /** buffer events until releaseEvents() (then flushed in order) */
  holdEvents(): void;
  releaseEvents(): void;
  /** terminate every trade-stream socket (no close handshake) */
  disconnectTradeStreams(): void;
  /** on: terminate every trade-stream socket and answer each new upgrade to /stream with 503 until
   *  turned off; off: connections are accepted again (the default) */
  refuseTradeStreams(on: boolean): void;
  /** send this object as a frame to every listening client, e.g. an unknown event kind */
  sendRawTradeFrame(frame: unknown): void;
  /** open trade-stream sockets */
  tradeStreamClients(): number;
  /** sockets authorized and listening to trade_updates (events reach only these) */
  tradeStreamListeners(): number;
}

interface Client {
  ws: WebSocket;
  authorized: boolean;
  listening: boolean;
}

export interface TradeStreamOptions {
  updates$: Observable<TradeUpdate>;
  credentials: SimCredentials | undefined;
  frames: 'binary' | 'text';
  onError: (error: unknown) => void;
}

type Message = Record<string, unknown>;

function credentialsOf(msg: Message): { key: unknown; secret: unknown } {
  if (msg.action === 'auth') return { key: msg.key, secret: msg.secret };
  const data = (msg.data ?? {}) as Message;
  return { key: data.key_id, secret: data.secret_key };
}

export class TradeStreamHub implements TradeStreamFaults {
  private readonly clients = new Set<Client>();
  private readonly subscription: Subscription;
  private dropsLeft = 0;
  private duplicatesLeft = 0;
  private held: string[] | null = null;
  private outbox: string[] = [];
  private flushScheduled = false;
  private refusing = false;

  constructor(private readonly opts: TradeStreamOptions) {
    this.subscription = opts.updates$.subscribe({
      next: (update) => this.onUpdate(update),
      error: (error: unknown) => opts.onError(error),
    });
  }

  /** false while refuseTradeStreams(true): the server answers the upgrade 503 instead of accept() */
  get acceptsConnections(): boolean {
    return !this.refusing;
  }

  accept(ws: WebSocket): void {
    if (this.refusing) return void ws.terminate(); // an upgrade that began just before the refusal
    const client: Client = { ws, authorized: false, listening: false };
    this.clients.add(client);
    ws.on('message', (data) => this.onMessage(client, String(data)));
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client));
  }

  private send(client: Client, frame: string): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    client.ws.send(this.opts.frames === 'binary' ? Buffer.from(frame, 'utf8') : frame, { binary: this.opts.frames === 'binary' });
  }

  private reply(client: Client, message: unknown): void {
    this.send(client, JSON.stringify(message));
  }

  private onMessage(client: Client, text: string): void {
    let msg: Message;
    try {
      msg = JSON.parse(text) as Message;
    } catch {
      return this.reply(client, { action: 'error', data: { error_message: 'invalid syntax' } });
    }
    if (msg.action === 'auth' || msg.action === 'authenticate') {
      const { key, secret } = credentialsOf(msg);
      client.authorized = credentialsAccepted(this.opts.credentials, typeof key === 'string' ? key : null, typeof secret === 'string' ? secret : null);
      const data = client.authorized
        ? { status: 'authorized', action: 'authenticate' }
        : { status: 'unauthorized', action: 'authenticate', message: 'access key verification failed' };
      return this.reply(client, { stream: 'authorization', data });
    }
    if (msg.action === 'listen') {
      if (!client.authorized) return this.reply(client, { stream: 'authorization', data: { status: 'unauthorized', action: 'listen' } });
      const wanted = ((msg.data as Message | undefined)?.streams ?? []) as unknown[];
      const streams = Array.isArray(wanted) ? wanted.filter((s) => s === 'trade_updates') : [];
      client.listening = streams.length > 0;
      return this.reply(client, { stream: 'listening', data: { streams } });
    }
    this.reply(client, { action: 'error', data: { error_message: 'unrecognized action' } });
  }

  private onUpdate(update: TradeUpdate): void {
    if (this.dropsLeft > 0) {
      this.dropsLeft -= 1;
      return;
    }
    let frame: string;
    try {
      frame = JSON.stringify(tradeUpdateToWire(update));
    } catch (error) {
      // a throwing observer would tear down the subscription: report and keep streaming
      return this.opts.onError(error);
    }
    const copies = this.duplicatesLeft > 0 ? 2 : 1;
    if (copies === 2) this.duplicatesLeft -= 1;
    for (let i = 0; i < copies; i++) {
      if (this.held) this.held.push(frame);
      else this.enqueue(frame);
    }
  }

  private enqueue(...frames: string[]): void {
    this.outbox.push(...frames);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const frames = this.outbox;
      this.outbox = [];
      for (const frame of frames) {
        for (const client of this.clients) if (client.listening) this.send(client, frame);
      }
    });
  }

  dropNextEvents(n: number): void {
    this.dropsLeft += n;
  }

  duplicateNextEvents(n: number): void {
    this.duplicatesLeft += n;
  }

  holdEvents(): void {
    this.held ??= [];
  }

  releaseEvents(): void {
    const frames = this.held ?? [];
    this.held = null;
    this.enqueue(...frames);
  }

  disconnectTradeStreams(): void {
    for (const client of this.clients) client.ws.terminate();
    this.clients.clear();
  }

  refuseTradeStreams(on: boolean): void {
    this.refusing = on;
    if (on) this.disconnectTradeStreams();
  }

  sendRawTradeFrame(frame: unknown): void {
    this.enqueue(JSON.stringify(frame));
  }

  tradeStreamClients(): number {
    return this.clients.size;
  }

  tradeStreamListeners(): number {
    let n = 0;
    for (const client of this.clients) if (client.listening) n++;
    return n;
  }

  close(): void {
    this.subscription.unsubscribe();
    this.disconnectTradeStreams();
  }
}
