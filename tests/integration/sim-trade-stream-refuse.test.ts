/**
 * The sim's refuseTradeStreams fault over real loopback: an outage that outlasts reconnects. While
 * on, open trade-stream sockets are cut and every new upgrade is answered 503; off, the stream
 * accepts and streams as before. The data stream is not affected.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { marketBuy, startSim, type SimHarness } from '../support/sim-harness.js';
import { WsProbe } from '../support/ws-probe.js';

let sim: SimHarness;
const probes: WsProbe[] = [];

async function probe(url: string): Promise<WsProbe> {
  const p = await WsProbe.open(url);
  probes.push(p);
  return p;
}

async function listening(): Promise<WsProbe> {
  const ws = await probe(sim.server.tradeStreamUrl);
  ws.send({ action: 'auth', key: 'key-1', secret: 'secret-1' });
  await ws.next((m) => m.stream === 'authorization');
  ws.send({ action: 'listen', data: { streams: ['trade_updates'] } });
  await ws.next((m) => m.stream === 'listening');
  return ws;
}

beforeEach(async () => { sim = await startSim(); });
afterEach(async () => {
  for (const p of probes.splice(0)) await p.close();
  await sim.close();
});

describe('sim server: refused trade stream', () => {
  it('cuts the open sockets and answers new upgrades 503 while refusing, then accepts and streams again', async () => {
    const before = await listening();
    await probe(sim.server.dataStreamUrl('iex'));
    sim.server.faults.refuseTradeStreams(true);
    expect(await before.closed).toBe(1006);
    expect(sim.server.faults.tradeStreamClients()).toBe(0);
    await expect(WsProbe.open(sim.server.tradeStreamUrl)).rejects.toThrow(/503/);
    expect(sim.server.faults.dataStreamClients()).toBe(1);

    sim.server.faults.refuseTradeStreams(false);
    const after = await listening();
    const res = await sim.rest('/v2/orders', marketBuy('AAPL', 'after-refusal'));
    const order = (await res.json()) as { id: string };
    expect((await after.next((m) => m.data?.order?.id === order.id)).json).toMatchObject({ stream: 'trade_updates' });
    expect(sim.server.faults.tradeStreamClients()).toBe(1);
  });
});
