/**
 * The Settings and Journal views in a real Chromium against a real Keel process trading paper on
 * the simulated exchange (in its own process, its market pinned open so the test does not depend
 * on the time of day). Elements are found by role, label and visible text.
 * Screenshots of both views are taken on every run; with KEEL_SCREENSHOTS=1 they replace the
 * committed ones in docs/screenshots/.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTrade } from '../../src/adapters/postgres/index.js';
import { Decimal } from '../../src/domain/money.js';
import { startBrowserRig, screenshotDir, type BrowserRig } from '../support/browser-rig.js';
import { eventually } from '../support/eventually.js';
import type { KeelProcess } from '../support/keel-process.js';
import type { SimChild } from '../support/sim-child-process.js';
import type { TestDb } from '../support/test-db.js';

const TOKEN = 'browser-test-token-settings-journal-0123';
const SYMBOL = 'JRNL';
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
  rig = await startBrowserRig({ token: TOKEN, prices: { [SYMBOL]: 20 } });
  ({ testDb, sim, keel, browser, page } = rig);
  await rig.signIn();
}, 60_000);

afterAll(async () => {
  await rig?.close();
  shots.cleanup();
});

/** one real round trip on the sim: a signal fires, the entry fills, the price falls through the hard stop */
async function tradeOnTheSim(): Promise<{ id: string; exitReason: string; createdAt: number }> {
  const opened = await rig.openOnTheSim(SYMBOL, 'journal');
  const id = opened.id;
  // below the 7 % hard stop until the position has seen it (it hears prices once subscribed)
  const closed = await eventually(async () => {
    await sim.ask({ op: 'setPrice', symbol: SYMBOL, price: Number(opened.entryPrice) * 0.9 });
    const { trade } = (await keel.api('GET', `/api/trades/${id}`)).body;
    if (trade?.status !== 'closed') throw new Error(`trade ${trade?.status}`);
    return trade;
  }, { deadlineMs: 30_000 });
  expect((await keel.api('POST', '/api/bot/stop')).body.state).toBe('stopped');
  return { id, exitReason: closed.exitReason, createdAt: closed.createdAt };
}

const nav = (name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name });
/** a setting's input by its label (the label is the name and then its unit) */
const field = (label: string) => page.getByLabel(new RegExp(`^${label}( \\(|$)`));
/** the texts an input's aria-describedby points at: its range, and Keel's refusal when there is one */
const description = (label: string) => field(label).evaluate((el) =>
  (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' | '));

describe('the Journal view', () => {
  it('lists a trade made on the sim, filters server-side, and its page shows the provenance timeline', async () => {
    const trade = await tradeOnTheSim();
    await nav('Journal').click();
    const table = page.getByRole('table');
    await table.getByRole('columnheader', { name: 'P&L', exact: true }).waitFor(UI);
    const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: SYMBOL }) });
    await row.waitFor(UI);
    // a loss reads as one without colour: a minus sign and a word
    await row.getByText('▼ loss').waitFor(UI);
    expect(await row.getByRole('cell').nth(6).textContent()).toMatch(/^−\$\d/);
    await page.screenshot({ path: path.join(SHOTS, 'journal-1280.png'), fullPage: true });

    // a filter nothing matches: Keel answers an empty page and the view says what to do
    await page.getByLabel('Strategy').fill('no-such-strategy');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No trade matches these filters').waitFor(UI);
    await page.getByLabel('Strategy').fill('gap-up');
    await page.getByLabel('Exit reason').selectOption(trade.exitReason);
    // days are New York days: the trade's own day holds it, the next day does not
    const nyDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date(ms));
    await page.getByLabel('From (ET day)').fill(nyDay(trade.createdAt + 86_400_000));
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No trade matches these filters').waitFor(UI);
    await page.getByLabel('From (ET day)').fill(nyDay(trade.createdAt));
    await page.getByLabel('To (ET day)').fill(nyDay(trade.createdAt));
    await page.getByRole('button', { name: 'Filter' }).click();
    await row.waitFor(UI);

    await row.getByRole('link', { name: SYMBOL }).click();
    expect(page.url()).toContain(`#/journal/${trade.id}`);
    const timeline = page.getByRole('list', { name: 'Timeline' });
    await timeline.getByRole('heading', { name: 'Signal received' }).waitFor(UI);
    const steps = await timeline.locator(':scope > li h3').allTextContents();
    // signal → verdicts → size → orders → broker updates → exit rule → P&L, in that order
    const order = ['Signal received', 'Checks', 'Size', 'Order sent', 'Broker update', 'Exit rule', 'P&L'];
    const positions = order.map((title) => steps.indexOf(title));
    expect(positions.every((p) => p >= 0), steps.join(', ')).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    await timeline.getByText(/✓ \d+ of \d+ checks passed/).waitFor(UI);
    // times in New York, the local time on hover
    const time = timeline.locator('time').first();
    expect(await time.textContent()).toMatch(/ ET$/);
    expect(await time.getAttribute('title')).toContain('(your time)');
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: path.join(SHOTS, 'trade-timeline-375.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 90_000);
});

describe('the Journal view, paging', () => {
  it('loads the next page from Keel by its cursor', async () => {
    // an older history of closed trades, written as Keel journals them (closed trades are history:
    // nothing at the broker to reconcile)
    const start = Date.now() - 10 * 86_400_000;
    for (let i = 0; i < 55; i++) {
      await insertTrade(testDb.db, {
        symbol: 'HIST', side: 'buy', status: 'closed', entryPrice: new Decimal('10'), exitPrice: new Decimal(i % 2 ? '10.5' : '9.5'),
        shares: new Decimal('10'), pnl: new Decimal(i % 2 ? '5' : '-5'), pnlPct: new Decimal(i % 2 ? '5' : '-5'), exitReason: i % 2 ? 'profit_target' : 'hard_stop',
        catalystType: 'earnings', catalystTier: 1, entryAt: start + i * 60_000, exitAt: start + i * 60_000 + 30_000,
      }, start + i * 60_000);
    }
    await page.goto(`${keel.url}/#/journal`);
    const rows = page.getByRole('table').getByRole('row');
    await page.getByRole('button', { name: 'Load more' }).waitFor(UI);
    expect(await rows.count()).toBe(1 + 50); // the header and the first page
    await page.getByRole('button', { name: 'Load more' }).click();
    await rows.nth(56).waitFor(UI);
    // the last page: no cursor, no button
    await page.getByRole('button', { name: 'Load more' }).waitFor({ state: 'detached', ...UI });
    expect(await rows.count()).toBe(1 + 56);
    expect(await page.getByRole('link', { name: 'HIST' }).count()).toBe(55);
    await page.getByRole('row').filter({ hasText: '+$5.00' }).first().getByText('▲ gain').waitFor(UI);
    await page.setViewportSize({ width: 375, height: 800 });
    await page.evaluate(() => scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'journal-375.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});

describe('the Settings view', () => {
  it('shows a refusal next to the field Keel names and saves nothing', async () => {
    const before = (await keel.api('GET', '/api/bot/config')).body;
    await nav('Settings').click();
    await field('Hard stop loss').waitFor(UI);
    expect(await description('Hard stop loss')).toContain('above 0 – 100');
    await field('Most entries per day').fill(String(before.maxTradesPerDay + 1));
    await field('Hard stop loss').fill('150');
    await page.getByRole('status').getByText(/Unsaved changes/).waitFor(UI);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/Nothing was saved/).waitFor(UI);
    expect(await description('Hard stop loss')).toContain('must be greater than 0 and at most 100');
    expect(await field('Hard stop loss').getAttribute('aria-invalid')).toBe('true');
    expect(await description('Most entries per day')).not.toContain('must');
    // the first refused field gets the focus, so the trader sees it: on the frame after its message
    // shows (a loaded machine may not have drawn that frame yet when the texts above are read)
    await eventually(async () => expect(await field('Hard stop loss').evaluate((el) => el === document.activeElement)).toBe(true));
    await page.screenshot({ path: path.join(SHOTS, 'settings-error-1280.png') });
    const after = (await keel.api('GET', '/api/bot/config')).body;
    expect(after.hardStopLossPct).toBe(before.hardStopLossPct);
    expect(after.maxTradesPerDay).toBe(before.maxTradesPerDay);
  });

  it('asks before leaving with unsaved changes, then saves only the changed fields', async () => {
    const before = (await keel.api('GET', '/api/bot/config')).body;
    // leaving: the trader is asked and may stay
    const asked = new Promise<string>((resolve) => page.once('dialog', (d) => { resolve(d.message()); void d.dismiss(); }));
    await nav('Journal').click();
    expect(await asked).toContain('unsaved changes');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor(UI);

    await field('Hard stop loss').fill('6.5');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved 2 settings.').waitFor(UI);
    const after = (await keel.api('GET', '/api/bot/config')).body;
    expect(after.hardStopLossPct).toBe(6.5);
    expect(after.maxTradesPerDay).toBe(before.maxTradesPerDay + 1);
    expect({ ...after, hardStopLossPct: before.hardStopLossPct, maxTradesPerDay: before.maxTradesPerDay, updatedAt: 0 }).toEqual({ ...before, updatedAt: 0 });
    expect(await page.getByRole('button', { name: 'Save', exact: true }).isDisabled()).toBe(true);
    // no secret on the page: the Alpaca key the sim gave Keel is nowhere in it
    expect(await page.content()).not.toContain(sim.env.ALPACA_API_SECRET ?? '\u0000');
    await page.evaluate(() => scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'settings-1280.png'), fullPage: true });
  });

  it('cannot switch to live without typing "live", and shows Keel\'s refusal', async () => {
    const switchButton = page.getByRole('button', { name: 'Switch to live' });
    const confirm = page.getByLabel('Type "live" to trade real money');
    expect(await switchButton.isDisabled()).toBe(true);
    await confirm.fill('LIVE');
    expect(await switchButton.isDisabled()).toBe(true);
    await confirm.fill('live');
    expect(await switchButton.isDisabled()).toBe(false);
    await switchButton.click();
    // this Keel has no live keys: the API refuses and says why
    await page.getByRole('alert').getByText(/Keel refused: .*credentials/).waitFor(UI);
    expect((await keel.api('GET', '/api/bot/status')).body.mode).toBe('paper');
    await page.setViewportSize({ width: 375, height: 800 });
    await page.getByRole('heading', { name: /Trading mode/ }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'settings-live-375.png') });
  });
});
