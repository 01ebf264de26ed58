/**
 * A trader's day in one flow, in a real Chromium against a real Keel process trading paper on the
 * simulated exchange (its own process, market pinned open): a semi-auto signal posted by a script
 * appears live in Approvals and is approved in the page → its position appears in Positions and
 * follows the price → the price falls through the hard stop → the trade is in the Journal with its
 * timeline ending in the exit rule and the P&L. Everything is found by role and visible text.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserRig, type BrowserRig } from '../support/browser-rig.js';
import { eventually } from '../support/eventually.js';
import { postSignal, type KeelProcess } from '../support/keel-process.js';
import type { SimChild } from '../support/sim-child-process.js';
import type { TestDb } from '../support/test-db.js';

const TOKEN = 'browser-test-token-trader-day-0123456789';
const SYMBOL = 'DAYT';
const UI = { timeout: 10_000 };

let testDb: TestDb;
let sim: SimChild;
let rig: BrowserRig;
let keel: KeelProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  rig = await startBrowserRig({ token: TOKEN, prices: { [SYMBOL]: 20 } });
  ({ testDb, sim, keel, browser, page } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.close();
});

const view = (name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name });
const statusBar = () => page.getByRole('region', { name: 'Status' });

describe("a trader's day", () => {
  it('approves a semi-auto signal, watches the position move, and finds it in the journal after its hard stop', async () => {
    await page.goto(keel.url);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await statusBar().getByText('stopped', { exact: true }).waitFor(UI);
    expect((await keel.api('PATCH', '/api/bot/config', { executionMode: 'semi_auto' })).status).toBe(200);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await statusBar().getByText('running', { exact: true }).waitFor(UI);

    // a scanner posts a signal; the page hears of it without a reload
    await view('Approvals').click();
    await page.getByRole('heading', { level: 1, name: 'Approvals' }).waitFor(UI);
    const signal = { symbol: SYMBOL, side: 'buy', catalystType: 'fda', catalystTier: 1, stars: 5, strategy: 'gap-up' };
    // once Keel has what it needs to decide (the account, a price), the what-if says it would wait
    await eventually(async () => expect((await keel.api('POST', '/api/signals/evaluate', signal)).body.outcome).toBe('would_wait_for_approval'));
    expect((await postSignal(keel, { id: 'day-1', ...signal })).decided).toBe('pending');
    const pending = page.getByRole('row', { name: new RegExp(SYMBOL) });
    await pending.getByRole('button', { name: `Approve ${SYMBOL}` }).click();
    await page.getByRole('status', { name: 'Decisions' }).getByText(`${SYMBOL}: approved — the entry order was sent.`).waitFor(UI);
    const tradeId = await eventually(async () => {
      const { body } = await keel.api('GET', '/api/signals/day-1');
      if (!body.tradeId) throw new Error('no trade yet');
      return body.tradeId as string;
    });
    const trade = await eventually(async () => {
      const { trade: t } = (await keel.api('GET', `/api/trades/${tradeId}`)).body;
      if (t?.status !== 'open') throw new Error(`trade ${t?.status}`);
      return t as { entryPrice: string; shares: string };
    });

    // the position, live: up 4 % shows as a gain in its row
    await view('Positions').click();
    const row = page.getByRole('table').getByRole('row').filter({ has: page.getByRole('link', { name: SYMBOL }) });
    await row.waitFor(UI);
    const entry = Number(trade.entryPrice);
    const up = Math.round(entry * 104) / 100;
    await eventually(async () => {
      await sim.ask({ op: 'setPrice', symbol: SYMBOL, price: up });
      await row.getByRole('cell', { name: `$${up}`, exact: true }).first().waitFor({ timeout: 1_000 });
    });
    await row.getByText('▲ gain').waitFor(UI);

    // through the 7 % hard stop: the row goes
    await sim.ask({ op: 'setPrice', symbol: SYMBOL, price: Math.round(entry * 90) / 100 });
    await page.getByText('No open positions — post a signal').waitFor(UI);

    // the journal has it, closed by the hard stop, and its page tells the story to the P&L
    await view('Journal').click();
    const journalRow = page.getByRole('table').getByRole('row').filter({ has: page.getByRole('link', { name: SYMBOL }) });
    await journalRow.getByText('▼ loss').waitFor(UI);
    await journalRow.getByRole('link', { name: SYMBOL }).click();
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByRole('heading', { name: 'Exit rule' }).waitFor(UI);
    await timeline.getByRole('heading', { name: 'P&L' }).waitFor(UI);
    const { trade: closed } = (await keel.api('GET', `/api/trades/${tradeId}`)).body;
    // Keel's defaults: the hard-stop level is held by Keel's own monitor AND by the protective stop at
    // the broker; on the same print either may sell first
    expect(closed).toMatchObject({ status: 'closed', signalId: 'day-1' });
    expect(['hard_stop', 'broker_stop']).toContain(closed.exitReason);
    expect(Number(closed.pnl)).toBeLessThan(0);
  }, 90_000);
});
