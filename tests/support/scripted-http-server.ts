/**
 * A loopback HTTP server that answers from a script, for transport fault tests: each route has a
 * queue of replies used in order (the last one repeats). 'hang' never answers, so a client's own
 * timeout has to fire. Every request is recorded; tests await a concrete request instead of sleeping.
 */
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export type Reply = { status: number; body?: unknown; headers?: Record<string, string> } | 'hang';
export type Step = Reply | ((req: RecordedRequest) => Reply);

export class ScriptedHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Step[]>();
  private readonly events = new EventEmitter();
  private server: Server | null = null;

  /** queue replies for `METHOD /path` (path without query) */
  on(method: string, path: string, ...steps: Step[]): this {
    this.routes.set(`${method} ${path}`, steps);
    return this;
  }

  count(method: string, path: string): number {
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }

  /** resolves with the next request to arrive matching method + path */
  async nextRequest(method: string, path: string): Promise<RecordedRequest> {
    for (;;) {
      const [req] = (await once(this.events, 'request')) as [RecordedRequest];
      if (req.method === method && req.path === path) return req;
    }
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        const text = Buffer.concat(chunks).toString('utf8');
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), query: url.searchParams,
          headers: req.headers, body: text ? JSON.parse(text) as unknown : undefined,
        };
        this.requests.push(recorded);
        const reply = this.replyFor(recorded);
        this.events.emit('request', recorded);
        if (reply === 'hang') return;
        const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
        res.end(body);
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private replyFor(req: RecordedRequest): Reply {
    const steps = this.routes.get(`${req.method} ${req.path}`);
    if (!steps || steps.length === 0) return { status: 404, body: { code: 40410000, message: `no script for ${req.method} ${req.path}` } };
    const step = steps.length > 1 ? steps.shift() as Step : steps[0] as Step;
    return typeof step === 'function' ? step(req) : step;
  }
}
