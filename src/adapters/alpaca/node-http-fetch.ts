/**
 * The REST transport's default FetchLike over node:http / node:https with a keep-alive agent.
 * Why not the global fetch: on this machine kind undici's fetch costs ≈0.3 ms to put a request's
 * first byte on a warm loopback socket, against ≈0.05 ms for node:http (docs/benchmarks.md, B6); the order
 * path pays it on every POST.
 * Invariants: the answer is a standard Response (status, headers, body text) so the client's error
 * classification is the same whichever transport ran; an abort (the client's timeout) destroys the
 * request and rejects with the signal's reason; a socket error rejects (→ 'network'); sockets are
 * reused per origin and never outlive `destroy()`.
 */
import http from 'node:http';
import https from 'node:https';
import type { FetchLike } from './http-client.js';

export interface NodeHttpFetch {
  fetch: FetchLike;
  /** closes the pooled sockets (shutdown) */
  destroy(): void;
}

export function createNodeHttpFetch(opts: { maxSockets?: number } = {}): NodeHttpFetch {
  const agentOptions = { keepAlive: true, maxSockets: opts.maxSockets ?? 16, scheduling: 'lifo' as const };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);

  const fetchFn: FetchLike = (url, init) => new Promise<Response>((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const body = typeof init.body === 'string' ? init.body : undefined;
    const headers: Record<string, string | number> = { ...(init.headers as Record<string, string> | undefined) };
    if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
    const req = (secure ? https : http).request(target, { method: init.method ?? 'GET', headers, agent: secure ? httpsAgent : httpAgent }, (res) => {
      const chunks: Buffer[] = [];
      // an idle pooled socket must not keep a finished process alive; a request in flight does
      res.on('end', () => res.socket?.unref());
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => {
        signal?.removeEventListener('abort', onAbort);
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
          else if (value !== undefined) responseHeaders.set(name, value);
        }
        const status = res.statusCode ?? 0;
        // a Response cannot carry a body with 204/304 (or any status outside 200–599)
        const text = status === 204 || status === 304 ? null : Buffer.concat(chunks).toString('utf8');
        try {
          resolve(new Response(text, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
        } catch (error) {
          reject(error);
        }
      });
    });
    function fail(error: unknown) {
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    }
    function onAbort() {
      const reason = signal?.reason ?? new Error('aborted');
      req.destroy(reason instanceof Error ? reason : new Error(String(reason)));
      reject(reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('socket', (socket) => socket.ref());
    req.on('error', fail);
    req.end(body);
  });

  return {
    fetch: fetchFn,

    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

let shared: NodeHttpFetch | null = null;
/** one pool per process (the adapters of both modes share it; sockets are per origin anyway) */
export function sharedNodeHttpFetch(): FetchLike {
  shared ??= createNodeHttpFetch();
  return shared.fetch;
}
