/**
 * A websocket test client that records every frame and lets a test await the next frame matching
 * a predicate — no sleeps: a test waits for a concrete message or for the close.
 */
import WebSocket from 'ws';

export interface Frame {
  json: unknown;
  binary: boolean;
}

interface Waiter {
  match: (frame: Frame) => boolean;
  resolve: (frame: Frame) => void;
  reject: (error: Error) => void;
}

export class WsProbe {
  private readonly unread: Frame[] = [];
  private readonly waiters: Waiter[] = [];
  readonly closed: Promise<number>;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => this.push({ json: JSON.parse(String(data)), binary: isBinary }));
    this.closed = new Promise((resolve) => ws.on('close', (code) => {
      for (const w of this.waiters.splice(0)) w.reject(new Error(`socket closed (${code}) while waiting`));
      resolve(code);
    }));
  }

  static open(url: string, headers?: Record<string, string>): Promise<WsProbe> {
    const ws = new WebSocket(url, { headers });
    const probe = new WsProbe(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(probe));
      ws.once('error', reject);
    });
  }

  private push(frame: Frame): void {
    const i = this.waiters.findIndex((w) => w.match(frame));
    if (i === -1) return void this.unread.push(frame);
    const [waiter] = this.waiters.splice(i, 1);
    waiter?.resolve(frame);
  }

  /** the first unread frame matching `match` (consumed); waits for it if none has arrived */
  next(match: (json: any) => boolean = () => true): Promise<Frame> {
    const i = this.unread.findIndex((f) => match(f.json));
    if (i !== -1) return Promise.resolve(this.unread.splice(i, 1)[0] as Frame);
    if (this.ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('socket is not open'));
    return new Promise((resolve, reject) => this.waiters.push({ match: (f) => match(f.json), resolve, reject }));
  }

  /** frames received but not yet consumed */
  get pending(): readonly Frame[] {
    return this.unread;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  close(): Promise<number> {
    this.ws.close();
    return this.closed;
  }
}
