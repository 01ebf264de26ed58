import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeHttpFetch } from '../../src/adapters/alpaca/node-http-fetch.js';

let server: http.Server;
let base = '';
const transport = createNodeHttpFetch();
const seen: Array<{ method: string; url: string; body: string; headers: http.IncomingHttpHeaders; port: number }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, port: req.socket.remotePort ?? 0 });
      if (req.url === '/empty') { res.writeHead(204); res.end(); return; }
      if (req.url === '/hang') return; // never answers: only an abort ends it
      if (req.url === '/limited') { res.writeHead(429, { 'Retry-After': '3', 'X-RateLimit-Reset': '1700000000' }); res.end('{"code":42910000,"message":"rate limit exceeded"}'); return; }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, echo: Buffer.concat(chunks).toString('utf8') }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  transport.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('node:http transport for the Alpaca REST client', () => {
  it('sends method, headers and a JSON body, and answers a standard Response', async () => {
    const res = await transport.fetch(`${base}/v2/orders?x=1`, { method: 'POST', headers: { 'APCA-API-KEY-ID': 'PK', 'Content-Type': 'application/json' }, body: '{"symbol":"ABCD"}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, echo: '{"symbol":"ABCD"}' });
    const req = seen.at(-1)!;
    expect(req).toMatchObject({ method: 'POST', url: '/v2/orders?x=1', body: '{"symbol":"ABCD"}' });
    expect(req.headers['apca-api-key-id']).toBe('PK');
    expect(req.headers['content-length']).toBe('17');
  });

  it('keeps error statuses and headers for the client to classify', async () => {
    const res = await transport.fetch(`${base}/limited`, { method: 'GET' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.headers.get('X-RateLimit-Reset')).toBe('1700000000');
    expect(await res.text()).toContain('rate limit');
  });

  it('answers a 204 with an empty body', async () => {
    const res = await transport.fetch(`${base}/empty`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('rejects with the abort reason when the caller aborts (the client timeout)', async () => {
    const abort = new AbortController();
    const pending = transport.fetch(`${base}/hang`, { method: 'GET', signal: abort.signal });
    const reason = new Error('timed out after 10 ms');
    // the request reached the server before it is aborted
    while (!seen.some((s) => s.url === '/hang')) await new Promise((r) => setImmediate(r));
    abort.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('rejects on a refused connection', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(transport.fetch(`http://127.0.0.1:${port}/`, { method: 'GET' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('reuses one socket for sequential requests (keep-alive)', async () => {
    const before = seen.length;
    for (let i = 0; i < 5; i++) await (await transport.fetch(`${base}/k${i}`, { method: 'GET' })).text();
    const mine = seen.slice(before);
    expect(mine).toHaveLength(5);
    expect(new Set(mine.map((s) => s.port)).size).toBe(1);
  });
});
