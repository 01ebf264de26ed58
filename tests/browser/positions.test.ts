/**
 * The Positions view in a real Chromium against a real Keel process trading paper on the simulated
 * exchange (in its own process, its market pinned open): a position the bot opens appears, its last
 * price and unrealized P&L follow the sim's price live (the stream's `positions` event, no reload),
 * and when the price falls through the hard stop the row goes. Elements are found by role and text.
 * With KEEL_SCREENSHOTS=1 the view's screenshot replaces the committed one in docs/screenshots/.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserRig, screenshotDir, type BrowserRig } from '../support/browser-rig.js';
import { eventually } from '../support/eventually.js';
import { openPosition, type KeelProcess } from '../support/keel-process.js';
import type { SimChild } from '../support/sim-child-process.js';
import type { TestDb } from '../support/test-db.js';

const TOKEN = 'browser-test-token-positions-0123456789';
const SYMBOL = 'POSN';
/** a second symbol for the bracket entry (the first one may still hold an earlier test's position) */
const BRACKETED = 'BRKT';
const UI = { timeout: 10_000 };
const shots = screenshotDir();
const SHOTS = shots.dir;

let testDb: TestDb;
let sim: SimChild;
let rig: BrowserRig;
let keel: KeelProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  rig = await startBrowserRig({ token: TOKEN, prices: { [SYMBOL]: 40, [BRACKETED]: 20 } });
  ({ testDb, sim, keel, browser, page } = rig);
  await rig.signIn('#/positions');
}, 60_000);

afterAll(async () => {
  await rig?.close();
  shots.cleanup();
});

/** sets the sim's price until Keel's position has seen it (it hears prices once subscribed) */
async function priceSeen(tradeId: string, price: number): Promise<void> {
  await eventually(async () => {
    await sim.ask({ op: 'setPrice', symbol: SYMBOL, price });
    const { items } = (await keel.api('GET', '/api/trades/active')).body as { items: Array<{ id: string; lastPrice: string | null }> };
    if (Number(items.find((i) => i.id === tradeId)?.lastPrice) !== price) throw new Error(`price ${price} not seen yet`);
  });
}

/** the text of `column`'s cell in `symbol`'s row, as the view shows it after a reload */
async function cellAfterReload(symbol: string, column: string): Promise<string> {
  await page.reload();
  const table = page.getByRole('table');
  const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: symbol }) });
  await row.waitFor(UI);
  const columns = await table.getByRole('columnheader').allTextContents();
  return (await row.getByRole('cell').allTextContents())[columns.indexOf(column)] ?? '';
}

describe('the Positions view', () => {
  it('says what to do when nothing is open', async () => {
    await page.getByText('No open positions — post a signal').waitFor(UI);
  });

  it('shows a position opened on the sim, follows its price live, and drops it when the hard stop closes it', async () => {
    const trade = await rig.openOnTheSim(SYMBOL, 'positions');
    const table = page.getByRole('table');
    const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: SYMBOL }) });
    await row.waitFor(UI);
    for (const header of ['Symbol', 'Shares', 'Entry', 'Last', 'Unrealized P&L', 'Unrealized %', 'Peak', 'Stop', 'Broker stop', 'Target', 'Trailing', 'Held', 'Max hold in']) {
      await table.getByRole('columnheader', { name: header, exact: true }).waitFor(UI);
    }
    expect(await row.getByRole('link', { name: SYMBOL }).getAttribute('href')).toBe(`#/journal/${trade.id}`);
    // the page loaded the list once; from here on only the stream may change the row
    let listLoads = 0;
    page.on('request', (request) => { if (new URL(request.url()).pathname === '/api/trades/active') listLoads += 1; });

    // up about 5 % (the entry fill carries the sim's slippage): a gain with its sign and word
    const entry = Number(trade.entryPrice);
    const pctText = (price: number) => `${price > entry ? '+' : '−'}${Math.abs(((price - entry) / entry) * 100).toFixed(2)}%`;
    const up = Math.round(entry * 105) / 100;
    const gain = Number(trade.shares) * (up - entry);
    const gainText = `+$${gain.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    await priceSeen(trade.id, up);
    await row.getByRole('cell', { name: `$${up}`, exact: true }).first().waitFor(UI);
    await row.getByText(gainText).waitFor(UI);
    await row.getByText('▲ gain').waitFor(UI);
    await row.getByText(pctText(up)).waitFor(UI);
    expect(listLoads).toBe(0);

    // down 3 % from the entry: a loss, still above the 7 % stop
    const down = Math.round(entry * 97) / 100;
    await priceSeen(trade.id, down);
    await row.getByText(pctText(down)).waitFor(UI);
    await row.getByText('▼ loss').waitFor(UI);
    expect(listLoads).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'positions-1280.png'), fullPage: true });
    // at 375 px the table scrolls sideways inside its frame: the page itself does not overflow
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: path.join(SHOTS, 'positions-375.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    // the hard stop: the trade closes and its row leaves the view
    await sim.ask({ op: 'setPrice', symbol: SYMBOL, price: Math.round(entry * 90) / 100 });
    await page.getByText('No open positions — post a signal').waitFor(UI);
    const { trade: closed } = (await keel.api('GET', `/api/trades/${trade.id}`)).body;
    expect(closed).toMatchObject({ status: 'closed', exitReason: 'hard_stop' });
    expect((await keel.api('POST', '/api/bot/stop')).body.state).toBe('stopped');
  });

  it('shows the protective stop at the broker once it is placed (turned on while the position is open)', async () => {
    const trade = await rig.openOnTheSim(SYMBOL, 'guarded');
    expect((await keel.api('PATCH', '/api/bot/config', { brokerStopMode: 'hard_stop' })).status).toBe(200);
    const stop = await eventually(async () => {
      const { items } = (await keel.api('GET', '/api/trades/active')).body as { items: Array<{ id: string; brokerStop: { state: string | null; stopPrice: string | null } }> };
      const mine = items.find((i) => i.id === trade.id)?.brokerStop;
      if (mine?.state !== 'protected') throw new Error(`broker stop ${JSON.stringify(mine)}`);
      return mine;
    });
    expect(await cellAfterReload(SYMBOL, 'Broker stop')).toBe(`$${Number(stop.stopPrice)}`);
    await page.screenshot({ path: path.join(SHOTS, 'positions-broker-stop-1280.png'), fullPage: true });
    expect((await keel.api('POST', '/api/bot/stop')).body.state).toBe('stopped');
  });

  it("marks a bracket's target \"at broker\": the take-profit limit rests there and Keel's monitor leaves the target to it", async () => {
    const settings = { executionMode: 'full_auto', entryOrderType: 'bracket', brokerStopMode: 'hard_stop' };
    expect((await keel.api('PATCH', '/api/bot/config', settings)).status).toBe(200);
    expect((await keel.api('POST', '/api/bot/start')).body.state).toBe('running');
    // a signal right after the start may meet the reconciliation or the trade stream's catch-up: the next one fires
    const tradeId = (await openPosition(keel, BRACKETED, 'bracketed', { priceAtSignal: '20' })).trade.id as string;
    const active = await eventually(async () => {
      const { items } = (await keel.api('GET', '/api/trades/active')).body as { items: Array<{ id: string; targetAtBroker: boolean; targetPrice: string | null }> };
      const mine = items.find((i) => i.id === tradeId);
      if (!mine?.targetAtBroker) throw new Error(`target ${JSON.stringify(mine)}`);
      return mine;
    });
    expect(await cellAfterReload(BRACKETED, 'Target')).toBe(`$${Number(active.targetPrice)} at broker`);
    await page.screenshot({ path: path.join(SHOTS, 'positions-bracket-1280.png'), fullPage: true });
    expect((await keel.api('POST', '/api/bot/stop')).body.state).toBe('stopped');
  });
});
