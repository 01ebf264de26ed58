/**
 * A position that shrank at the broker while Keel was DOWN, through a real process restart: Keel
 * (src/main.ts, with its embedded PostgreSQL) trades against the simulated exchange running in
 * another process; the first Keel opens a trade, its first exit sell does not fill (see FirstExit)
 * and the process group is killed with SIGKILL; while it is down 40 % of the position is sold
 * outside Keel. A new Keel on the same data directory must take the broker's quantity
 * (reconciliation reports quantity_mismatch) and use it everywhere: the trade row, the restored
 * position actor and its exit, which sells exactly what the broker holds (never answered 403), so
 * the trade closes with P&L on those shares — never left exiting.
 * Keel runs on the wall clock, so its session close force-closes at 15:45 ET (at once after that
 * time): the first sell is whichever rule fired first (hard stop or session close), and the final
 * sell's id names the rule the trade closes with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseExitOrderId } from '../../src/core/exits/exit-order-id.js';
import { Decimal } from '../../src/domain/money.js';
import { eventually } from '../support/eventually.js';
import { startKeelProcess, type KeelProcess } from '../support/keel-process.js';
import { startSimChild, type SimChild } from '../support/sim-child-process.js';

const SYMBOL = 'SHRK';
const OUTSIDE_ID = 'outside-keel-1';

let sim: SimChild | null = null;
let dataDir: string | null = null;
const running: KeelProcess[] = [];

async function start(): Promise<KeelProcess> {
  const keel = await startKeelProcess({ ...sim!.env, KEEL_DATA_DIR: dataDir!, PORT: '0' });
  running.push(keel);
  return keel;
}

async function tradeIn(keel: KeelProcess, tradeId: string, status: string): Promise<any> {
  const { trade } = (await keel.api('GET', `/api/trades/${tradeId}`)).body;
  if (trade?.status !== status) throw new Error(`trade ${trade?.status}, waiting for ${status}`);
  return trade;
}

/** Ctrl-C, not SIGKILL: a Keel stops its own database; a killed Keel's was stopped by the next at its start */
async function stopAll(): Promise<void> {
  for (const keel of running.splice(0)) await keel.stop();
  await sim?.stop();
  sim = null;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = null;
}

afterEach(stopAll);

/**
 * How the first Keel's exit ends before it is killed:
 *  - 'held': the sell is processed but neither answered nor filled, then canceled at the exchange
 *    while Keel is down (the restore finds it by its id's stem, canceled);
 *  - 'refused': every exit POST is answered 503 and never reaches the exchange (the restored trade
 *    has no sell at the broker: its position actor sends one from the quantity it holds).
 */
type FirstExit = 'held' | 'refused';

async function shrunkWhileDown(firstExit: FirstExit): Promise<void> {
  sim = await startSimChild({ [SYMBOL]: 10 });
  dataDir = mkdtempSync(path.join(tmpdir(), 'keel-shrunk-'));
  const first = await start();
  expect((await first.api('PATCH', '/api/bot/config', { executionMode: 'full_auto', brokerStopMode: 'off' })).status).toBe(200);
  expect((await first.api('POST', '/api/bot/start')).body.state).toBe('running');
  await sim.ask({ op: firstExit === 'held' ? 'holdNextExit' : 'refuseExits' });
  // entries wait for the trade stream to be live: a fresh signal id per try
  let n = 0;
  const fired = await eventually(async () => {
    const id = `shrunk-${++n}`;
    const { body } = await first.api('POST', '/api/signals', { id, symbol: SYMBOL, side: 'buy', catalystType: 'earnings', catalystTier: 1 });
    if (body.outcome !== 'fired') throw new Error(`signal ${id}: ${JSON.stringify(body)}`);
    return id;
  });
  const tradeId = (await first.api('GET', `/api/signals/${fired}`)).body.tradeId as string;
  const opened = await eventually(() => tradeIn(first, tradeId, 'open'));
  const entryPrice = new Decimal(opened.entryPrice);
  const journalShares = new Decimal(opened.shares);
  const belowStop = entryPrice.times(0.9).toNumber();

  // the first exit (hard stop, or the session close after 15:45 ET) goes out; then kill -9
  let held: string | null = null;
  if (firstExit === 'held') {
    const heldExit = sim.nextHeldExit().then((coid) => { held = coid; });
    while (held === null) {
      await sim.ask({ op: 'setPrice', symbol: SYMBOL, price: belowStop });
      await first.api('GET', `/api/trades/${tradeId}`);
    }
    await heldExit;
  } else {
    await eventually(async () => {
      await sim!.ask({ op: 'setPrice', symbol: SYMBOL, price: belowStop });
      if (!(await sim!.ask<Array<number | null>>({ op: 'orderPosts' })).includes(503)) throw new Error('no exit refused yet');
    });
  }
  await first.kill();

  // while Keel is down: its sell never fills (none reached the exchange, or it is canceled), and
  // 40 % of the position is sold outside Keel
  if (held !== null) expect(await sim.ask({ op: 'cancelHeld', clientOrderId: held })).toBe('canceled');
  else await sim.ask({ op: 'acceptOrders' });
  const outside = journalShares.times(0.4).toDecimalPlaces(9);
  await sim.ask({ op: 'sellOutside', symbol: SYMBOL, qty: outside.toFixed(), clientOrderId: OUTSIDE_ID });
  const brokerShares = new Decimal((await sim.ask<string>({ op: 'position', symbol: SYMBOL }))!);
  expect(brokerShares.toFixed()).toBe(journalShares.minus(outside).toFixed());

  const second = await start();
  // the restart's reconciliation journals each finding on its trade; the journal, not GET
  // /api/reconciliation, is asserted on: that route shows the LAST reconciliation, and one that runs
  // after the close (nothing live, no findings) may already have replaced the startup one
  const corrections = await eventually(async () => {
    const { journal } = (await second.api('GET', `/api/trades/${tradeId}`)).body;
    const found = ((journal ?? []) as any[]).filter((e) => e.kind === 'reconciliation_correction');
    if (found.length === 0) throw new Error('no reconciliation correction yet');
    return found;
  }, { deadlineMs: 30_000 });
  // (a correction the exit itself had to make, having found fewer shares than it held, shows as its message)
  expect(corrections.map(({ data: { finding: f }, message }) => (f ? [f.kind, f.tradeId, new Decimal(f.journalShares).toFixed(), new Decimal(f.brokerShares).toFixed()] : message)))
    .toEqual([['quantity_mismatch', tradeId, journalShares.toFixed(), brokerShares.toFixed()]]);

  // the price stays below the stop; it reaches the restored position once its symbol is subscribed
  const closed = await eventually(async () => {
    await sim!.ask({ op: 'setPrice', symbol: SYMBOL, price: belowStop });
    return tradeIn(second, tradeId, 'closed');
  }, { deadlineMs: 60_000 });
  // never refused for quantity, and never a re-send of an id the broker already holds (the restore
  // adopts the sell sent before the crash before any exit can send)
  const posts = await sim.ask<Array<number | null>>({ op: 'orderPosts' });
  expect(posts).not.toContain(403);
  expect(posts).not.toContain(422);

  const keelSells = (await sim.ask<Array<[string, string | null, string]>>({ op: 'sells', symbol: SYMBOL }))
    .filter(([coid]) => coid !== OUTSIDE_ID);
  if (held !== null) expect(keelSells[0]).toEqual([held, journalShares.toFixed(), 'canceled']);
  // the only sell that filled sold exactly what the broker held, under the rule its id names
  const filled = keelSells.filter(([, , status]) => status === 'filled');
  expect(filled.map(([, qty]) => qty), JSON.stringify(keelSells)).toEqual([brokerShares.toFixed()]);
  const [finalId] = filled[0]!;
  const sentFor = parseExitOrderId(finalId)?.reason;
  expect(['hard_stop', 'force_close_eod']).toContain(sentFor);

  expect(closed.exitReason, second.output()).toBe(sentFor);
  expect(closed.exitClientOrderId).toBe(finalId);
  expect(new Decimal(closed.shares).toFixed()).toBe(brokerShares.toFixed());
  const exitPrice = new Decimal(closed.exitPrice);
  expect(new Decimal(closed.pnl).toFixed()).toBe(exitPrice.minus(entryPrice).times(brokerShares).toFixed());

  expect(await sim.ask({ op: 'position', symbol: SYMBOL })).toBeNull();
  expect((await second.api('GET', '/api/bot/status')).body.stuckExits).toEqual([]);
}

describe('a position that shrank at the broker while Keel was killed, restart on the same data directory', () => {
  it('its first sell canceled at the exchange: reconciles to the broker\'s quantity and exits exactly that, P&L on those shares', async () => {
    await shrunkWhileDown('held');
  }, 120_000);

  it('its first sell never reached the exchange: the restored position sells the broker\'s quantity, never refused 403', async () => {
    await shrunkWhileDown('refused');
  }, 120_000);
});
