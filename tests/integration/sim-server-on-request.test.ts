/**
 * createSimServer's onRequest probe (bench B6 stamps the moment the exchange first sees an order):
 * it sees every REST request's method and path before routing — including ones the sim refuses.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { ANY_KEY, marketBuy, startSim, type SimHarness } from '../support/sim-harness.js';

let sim: SimHarness | undefined;
afterEach(async () => { await sim?.close(); });

describe('sim server onRequest', () => {
  it('reports each request before its response, in arrival order', async () => {
    // `answered` = responses received when the probe ran: each request is seen before its own answer
    const seen: Array<{ method: string; url: string; answered: number }> = [];
    let answered = 0;
    sim = await startSim({ onRequest: (r: IncomingMessage) => seen.push({ method: r.method ?? '', url: r.url ?? '', answered }) });
    await sim.rest('/v2/clock');
    answered += 1;
    const res = await sim.rest('/v2/orders', marketBuy('AAPL', 'probe-1'));
    answered += 1;
    expect(res.status).toBe(200);
    expect(seen).toEqual([
      { method: 'GET', url: '/v2/clock', answered: 0 },
      { method: 'POST', url: '/v2/orders', answered: 1 },
    ]);
  });

  it('reports a request the sim rejects for missing credentials', async () => {
    const seen: string[] = [];
    sim = await startSim({ onRequest: (r: IncomingMessage) => seen.push(`${r.method} ${r.url}`) });
    const res = await fetch(`${sim.server.tradingUrl}/v2/account`);
    expect(res.status).toBe(401);
    expect(seen).toEqual(['GET /v2/account']);
  });

  it('is optional: a server without it answers as before', async () => {
    sim = await startSim();
    const res = await fetch(`${sim.server.tradingUrl}/v2/clock`, { headers: ANY_KEY });
    expect(res.status).toBe(200);
  });
});
