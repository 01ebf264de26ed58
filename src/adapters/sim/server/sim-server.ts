/**
 * The simulated exchange's transport: Alpaca's trading REST, market-data REST, trade_updates
 * stream and market-data stream, all on ONE loopback port (docs/alpaca.md §11). The core decides;
 * this file only wires Hono, the two websocket hubs and the scripted faults together.
 * State-changing requests schedule core.sync() with setImmediate, so the stream events they
 * cause follow the HTTP response, as Alpaca's do.
 */
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import { WebSocketServer } from 'ws';
import type { Clock } from '../../../ports/clock.port.js';
import type { SimExchangeCore } from '../exchange.types.js';
import { restAuth, type SimCredentials } from './auth.js';
import { registerDataRoutes } from './data-routes.js';
import { DATA_FEEDS, DataStreamHub, type SimDataFeed } from './data-stream.ws.js';
import { rateLimit } from './rate-limit.js';
import type { SimEnv } from './sim-env.js';
import { TradeStreamHub, type TradeStreamFaults } from './trade-stream.ws.js';
import { registerTradingRoutes } from './trading-routes.js';
import { TransportFaults, type RequestLogEntry, type RequestMatch, type TransportFault } from './transport-faults.js';

export type { RequestLogEntry, RequestMatch, TransportFault } from './transport-faults.js';
export type { SimCredentials } from './auth.js';

export interface SimServerOptions {
  core: SimExchangeCore;
  clock: Clock;
  host?: string;
  port?: number;
  rateLimitPerMinute?: number;
  /** when set the pair must match; when unset any non-empty pair is accepted */
  credentials?: SimCredentials;
  tradeStreamFrames?: 'binary' | 'text';
  dataAuthTimeoutMs?: number;
  symbolLimit?: number;
  /** failures of core.sync() or serialisation; default: console.error */
  onError?: (error: unknown) => void;
  /** called synchronously when a request's head arrives, before any routing: latency probes
   *  (bench B6) stamp the moment the exchange first sees an order, and may watch the response
   *  (its 'finish') to time the sim's own service; must not throw */
  onRequest?: (request: IncomingMessage, response: ServerResponse) => void;
}

export interface SimServerFaults extends TradeStreamFaults {
  failNext(match: RequestMatch, fault: TransportFault, times?: number): void;
  /** every REST request so far (method, path, query, status; never headers) */
  readonly requests: readonly RequestLogEntry[];
  readonly requests$: TransportFaults['requests$'];
  disconnectDataStreams(): void;
  dataStreamClients(): number;
  /** forget scripted transport faults and the request log */
  clearTransport(): void;
}

export interface SimServer {
  tradingUrl: string;
  tradeStreamUrl: string;
  dataUrl: string;
  dataStreamUrl(feed?: SimDataFeed): string;
  faults: SimServerFaults;
  close(): Promise<void>;
}

function buildApp(opts: Pick<SimServerOptions, 'core' | 'clock' | 'rateLimitPerMinute' | 'credentials'>, transport: TransportFaults, onError: (e: unknown) => void): Hono<SimEnv> {
  const { core, clock } = opts;
  const app = new Hono<SimEnv>();
  app.use(transport.middleware());
  app.use(restAuth(opts.credentials));
  app.use(rateLimit(clock, opts.rateLimitPerMinute ?? 200));
  app.use(async (c, next) => {
    await next();
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return;
    setImmediate(() => {
      try {
        core.sync();
      } catch (error) {
        onError(error);
      }
    });
  });
  registerTradingRoutes(app, core, clock);
  registerDataRoutes(app, core, clock);
  app.notFound((c) => c.json({ message: 'Not Found' }, 404));
  app.onError((error, c) => {
    onError(error);
    return c.json({ code: 50010000, message: 'internal server error' }, 500);
  });
  return app;
}

/** the REST half alone, for a client in the same process (a backtest's fetch): no port, no streams */
export function createSimApp(opts: Pick<SimServerOptions, 'core' | 'clock' | 'rateLimitPerMinute' | 'onError'>): Hono<SimEnv> {
  const onError = opts.onError ?? ((error: unknown) => console.error('[sim-server]', error));
  return buildApp(opts, new TransportFaults(opts.clock), onError);
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function createSimServer(opts: SimServerOptions): Promise<SimServer> {
  const host = opts.host ?? '127.0.0.1';
  const onError = opts.onError ?? ((error: unknown) => console.error('[sim-server]', error));
  const transport = new TransportFaults(opts.clock);
  const app = buildApp(opts, transport, onError);
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as Server;
  // prepended: the stamp is taken before Hono starts on the request
  if (opts.onRequest) server.prependListener('request', opts.onRequest);
  const trades = new TradeStreamHub({
    updates$: opts.core.tradeUpdates$,
    credentials: opts.credentials,
    frames: opts.tradeStreamFrames ?? 'binary',
    onError,
  });
  const data = new DataStreamHub({
    events$: opts.core.marketEvents$,
    clock: opts.clock,
    credentials: opts.credentials,
    authTimeoutMs: opts.dataAuthTimeoutMs ?? 10_000,
    symbolLimit: opts.symbolLimit ?? 30,
    onError,
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://sim').pathname;
    const feed = /^\/v2\/([a-z_]+)$/.exec(path)?.[1] as SimDataFeed | undefined;
    if (path === '/stream') {
      if (trades.acceptsConnections) wss.handleUpgrade(request, socket, head, (ws) => trades.accept(ws));
      else socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    } else if (feed && (DATA_FEEDS as readonly string[]).includes(feed)) {
      wss.handleUpgrade(request, socket, head, (ws) => data.accept(ws, feed, request));
    } else {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
  });

  const address = await listen(server, opts.port ?? 0, host);
  const base = `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  const faults: SimServerFaults = {
    failNext: (match, fault, times) => transport.failNext(match, fault, times),
    get requests() {
      return transport.requests;
    },
    requests$: transport.requests$,
    clearTransport: () => transport.clear(),
    dropNextEvents: (n) => trades.dropNextEvents(n),
    duplicateNextEvents: (n) => trades.duplicateNextEvents(n),
    holdEvents: () => trades.holdEvents(),
    releaseEvents: () => trades.releaseEvents(),
    disconnectTradeStreams: () => trades.disconnectTradeStreams(),
    refuseTradeStreams: (on) => trades.refuseTradeStreams(on),
    sendRawTradeFrame: (frame) => trades.sendRawTradeFrame(frame),
    tradeStreamClients: () => trades.tradeStreamClients(),
    tradeStreamListeners: () => trades.tradeStreamListeners(),
    disconnectDataStreams: () => data.disconnectDataStreams(),
    dataStreamClients: () => data.dataStreamClients(),
  };
  let closing: Promise<void> | null = null;
  return {
    tradingUrl: `http://${base}`,
    tradeStreamUrl: `ws://${base}/stream`,
    dataUrl: `http://${base}`,
    dataStreamUrl: (feed = 'iex') => `ws://${base}/v2/${feed}`,
    faults,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        trades.close();
        data.close();
        wss.close();
        transport.requests$.complete();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
