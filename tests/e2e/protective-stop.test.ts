/**
 * The protective stop is what protects a position while Keel is gone: Keel (with its embedded
 * PostgreSQL, in one process group) trades against the simulated exchange running in ANOTHER
 * process; the entry fills and gets its sell stop at the broker; the whole group is killed with
 * SIGKILL; the price falls through the stop and the EXCHANGE sells; a new Keel on the same data
 * directory must close the trade `broker_stop` at the stop's fill price and sell nothing else.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { openPosition, startKeelProcess, type KeelProcess } from '../support/keel-process.js';
import { startSimChild, type SimChild } from '../support/sim-child-process.js';

const SYMBOL = 'GUARD';

interface SimOrder { id: string; type: string; status: string; qty: string | null; stopPrice: string | null; filledQty: string; filledAvgPrice: string | null }

let sim: SimChild;
let dataDir: string;
const running: KeelProcess[] = [];

async function start(): Promise<KeelProcess> {
  const keel = await startKeelProcess({ ...sim.env, KEEL_DATA_DIR: dataDir, PORT: '0' });
  running.push(keel);
  return keel;
}

beforeAll(async () => {
  sim = await startSimChild({ [SYMBOL]: 10 });
  dataDir = mkdtempSync(path.join(tmpdir(), 'keel-stop-'));
});

afterAll(async () => {
  for (const keel of running.splice(0)) await keel.stop();
  await sim.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('kill -9 with a position open: the broker-side stop sells it', () => {
  it('closes the trade broker_stop at the broker\'s price after the restart, and nothing else is sold', async () => {
    const first = await start();
    // the default mode is the protective stop: only the execution mode is set
    expect((await first.api('PATCH', '/api/bot/config', { executionMode: 'full_auto' })).status).toBe(200);
    expect((await first.api('GET', '/api/bot/config')).body.brokerStopMode).toBe('hard_stop');
    expect((await first.api('POST', '/api/bot/start')).body.state).toBe('running');
    const { trade: opened } = await openPosition(first, SYMBOL, 'guard');
    // the stop is placed once the entry filled
    const protectedTrade = await eventually(async () => {
      const { trade } = (await first.api('GET', `/api/trades/${opened.id}`)).body;
      if (!trade.stopOrderId) throw new Error('no protective stop yet');
      return trade;
    });
    const tradeId = protectedTrade.id as string;
    const stop = await sim.ask<SimOrder>({ op: 'order', clientOrderId: protectedTrade.stopClientOrderId });
    expect(stop).toMatchObject({ id: protectedTrade.stopOrderId, type: 'stop', status: 'new', qty: protectedTrade.shares, stopPrice: protectedTrade.stopPrice });
    expect(Number(stop.stopPrice)).toBeLessThanOrEqual(Number(protectedTrade.entryPrice) * 0.93);

    await first.kill();
    // Keel is gone: the price falls through the stop and the exchange sells the position
    await sim.ask({ op: 'setPrice', symbol: SYMBOL, price: Number(protectedTrade.entryPrice) * 0.9 });
    const filled = await eventually(async () => {
      const o = await sim.ask<SimOrder>({ op: 'order', clientOrderId: protectedTrade.stopClientOrderId });
      if (o.status !== 'filled') throw new Error(`stop ${o.status}`);
      return o;
    });
    expect(await sim.ask({ op: 'position', symbol: SYMBOL })).toBeNull();

    const second = await start();
    const closed = await eventually(async () => {
      const { trade } = (await second.api('GET', `/api/trades/${tradeId}`)).body;
      if (trade?.status !== 'closed') throw new Error(`trade ${trade?.status}`);
      return trade;
    }, { deadlineMs: 30_000 });
    expect(closed.exitReason, second.output()).toBe('broker_stop');
    expect(closed.exitOrderId).toBe(filled.id);
    expect(closed.exitPrice).toBe(filled.filledAvgPrice);
    const sells = await sim.ask<Array<[string, string | null, string]>>({ op: 'sells', symbol: SYMBOL });
    expect(sells).toEqual([[protectedTrade.stopClientOrderId, protectedTrade.shares, 'filled']]);
  }, 120_000);
});
