/**
 * A loopback websocket server driven step by step by a test: await the next connection, await
 * the next client message, send text or binary frames, drop the socket. Nothing here sleeps —
 * every wait is for a concrete event.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

class Inbox<T> {
  private readonly items: T[] = [];
  private readonly waiters: Array<(item: T) => void> = [];

  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item); else this.items.push(item);
  }

  next(): Promise<T> {
    const item = this.items.shift();
    return item !== undefined ? Promise.resolve(item) : new Promise((resolve) => this.waiters.push(resolve));
  }

  get size(): number {
    return this.items.length;
  }
}

export class ScriptedSocket {
  private readonly inbox = new Inbox<unknown>();
  readonly closed: Promise<void>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.inbox.push(JSON.parse(String(data)) as unknown));
    this.closed = once(ws, 'close').then(() => undefined);
  }

  /** the next JSON message the client sent */
  nextMessage(): Promise<unknown> {
    return this.inbox.next();
  }

  get unread(): number {
    return this.inbox.size;
  }

  send(message: unknown, opts: { binary?: boolean } = {}): void {
    const text = JSON.stringify(message);
    this.ws.send(opts.binary ? Buffer.from(text, 'utf8') : text, { binary: opts.binary ?? false });
  }

  sendRaw(data: Buffer | string, binary: boolean): void {
    this.ws.send(data, { binary });
  }

  /** an abrupt drop, as a network failure looks to the client */
  drop(): void {
    this.ws.terminate();
  }
}

export class ScriptedWsServer {
  private readonly connections = new Inbox<ScriptedSocket>();
  private wss: WebSocketServer | null = null;
  connectionCount = 0;

  constructor(private readonly options: { autoPong?: boolean } = {}) {}

  async start(path = '/'): Promise<string> {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: this.options.autoPong ?? true });
    this.wss.on('connection', (ws) => {
      this.connectionCount++;
      this.connections.push(new ScriptedSocket(ws));
    });
    await once(this.wss, 'listening');
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}${path}`;
  }

  nextConnection(): Promise<ScriptedSocket> {
    return this.connections.next();
  }

  async close(): Promise<void> {
    if (!this.wss) return;
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss?.close(() => resolve()));
  }
}
