/**
 * The Approvals and Signals views and the kill switch in a real Chromium, against a real Keel
 * process trading on the simulated exchange in another process. The exchange's market is pinned
 * open (sim-child.ts), so entries are possible whatever the real clock says. Signals are posted by
 * the test as a script would (bearer token); the page must pick them up over its live stream.
 * Elements are found by role, label and visible text.
 * With KEEL_SCREENSHOTS=1 the views are also written to docs/screenshots/.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserRig, type BrowserRig } from '../support/browser-rig.js';
import { eventually } from '../support/eventually.js';
import { postSignal, type KeelProcess } from '../support/keel-process.js';
import type { SimChild } from '../support/sim-child-process.js';
import type { TestDb } from '../support/test-db.js';

const TOKEN = 'browser-approvals-token-0123456789';
const UI = { timeout: 10_000 };
const SYMBOL = 'APRV';
const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

let testDb: TestDb;
let sim: SimChild;
let rig: BrowserRig;
let keel: KeelProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  rig = await startBrowserRig({ token: TOKEN, prices: { [SYMBOL]: 20, DENY: 30 } });
  ({ testDb, sim, keel, browser, page } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.close();
});

/** `fullPage` false for a modal: the page behind it is not the point */
async function screenshot(name: string, width = 1280, fullPage = true): Promise<void> {
  if (!process.env.KEEL_SCREENSHOTS) return;
  await page.setViewportSize({ width, height: 800 });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
  await page.setViewportSize({ width: 1280, height: 800 });
}

const view = (name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name });
const statusBar = () => page.getByRole('region', { name: 'Status' });
const button = (name: string) => page.getByRole('button', { name, exact: true });

describe('approvals, signals and the kill switch in the dashboard', () => {
  it('signs in; Approvals says how to get signals there while Keel is not in semi-auto', async () => {
    await page.goto(keel.url);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await statusBar().getByText('stopped', { exact: true }).waitFor(UI);
    await view('Approvals').click();
    await page.getByText(/Nothing waits for approval: Keel is in Signal only mode/).waitFor(UI);
    await view('Signals').click();
    await page.getByText(/No signals yet/).waitFor(UI);
  });

  it('a semi-auto signal posted by a script appears live in Approvals with its countdown, and approving it opens the position', async () => {
    expect((await keel.api('PATCH', '/api/bot/config', { executionMode: 'semi_auto' })).status).toBe(200);
    expect((await keel.api('POST', '/api/bot/start')).body.state).toBe('running');
    await statusBar().getByText('running', { exact: true }).waitFor(UI);
    // entries wait for the trade stream to be live: ask the what-if (nothing stored) until it would wait for approval
    const signal = { symbol: SYMBOL, side: 'buy', catalystType: 'earnings', catalystTier: 1 };
    await eventually(async () => expect((await keel.api('POST', '/api/signals/evaluate', signal)).body.outcome).toBe('would_wait_for_approval'));

    // headless Chromium answers every notification permission 'denied' (it has nowhere to show one):
    // the page gets a stand-in for the browser's Notification that records what it is asked
    await page.evaluate(() => {
      const record = { asked: 0, shown: [] as string[] };
      (window as unknown as { notifications: typeof record }).notifications = record;
      class RecordingNotification {
        static permission: NotificationPermission = 'default';
        static async requestPermission(): Promise<NotificationPermission> {
          record.asked += 1;
          RecordingNotification.permission = 'granted';
          return 'granted';
        }
        constructor(title: string, options?: NotificationOptions) {
          record.shown.push(`${title} | ${options?.body ?? ''}`);
        }
      }
      Object.defineProperty(window, 'Notification', { value: RecordingNotification, configurable: true, writable: true });
    });
    const notifications = () => page.evaluate(() => (window as unknown as { notifications: { asked: number; shown: string[] } }).notifications);
    await view('Approvals').click();
    await page.getByText(/Nothing waits for approval\. Signals that pass every check wait here/).waitFor(UI);
    // never asked unprompted: only the trader's click asks
    expect((await notifications()).asked).toBe(0);
    await button('Notify me').click();
    await page.getByText('Notifications on: a new signal to approve notifies you.').waitFor(UI);
    expect(await notifications()).toEqual({ asked: 1, shown: [] });
    // `received` first when the cached market clock lapsed (15 s, a loaded machine): then decided
    expect((await postSignal(keel, { id: 'approve-me', ...signal })).decided).toBe('pending');

    // no reload, no navigation: the stream brings it
    const row = page.getByRole('row', { name: new RegExp(SYMBOL) });
    await row.waitFor(UI);
    await row.getByRole('img', { name: '5 of 5 stars' }).waitFor(UI);
    await eventually(async () => expect((await notifications()).shown).toEqual([`Keel: ${SYMBOL} waits for approval | 5 stars for $100.00`]));
    await row.getByText(/^all \d+ checks passed$/).waitFor(UI);
    const size = (await keel.api('GET', '/api/signals/approve-me')).body.size.notional as string;
    await row.getByText(`$${Number(size).toFixed(2)}`).waitFor(UI);
    // the approval TTL (minutes) counts down as m:ss
    const left = await row.getByTitle('time left to approve').textContent();
    expect(left).toMatch(/^\d+:\d\d$/);
    // never more than the approval window (5 minutes by default) from its decision
    const [minutes, seconds] = left!.split(':').map(Number);
    expect(minutes! * 60 + seconds!).toBeLessThanOrEqual(5 * 60);
    await screenshot('approvals-1280');
    await screenshot('approvals-375', 375);

    await row.getByRole('button', { name: `Approve ${SYMBOL}` }).click();
    await page.getByRole('status', { name: 'Decisions' }).getByText(`${SYMBOL}: approved — the entry order was sent.`).waitFor(UI);
    await row.waitFor({ state: 'detached', ...UI });
    const tradeId = await eventually(async () => {
      const { body } = await keel.api('GET', '/api/signals/approve-me');
      expect(body.status).toBe('approved');
      expect(body.tradeId).toEqual(expect.any(String));
      return body.tradeId as string;
    });
    await eventually(async () => expect((await keel.api('GET', `/api/trades/${tradeId}`)).body.trade.status).toBe('open'));
    await eventually(async () => expect(await sim.ask({ op: 'position', symbol: SYMBOL })).not.toBeNull());

    await view('Signals').click();
    const signalRow = page.locator('tr[data-signal="approve-me"]');
    await signalRow.getByText('approved', { exact: true }).waitFor(UI);
    expect(await signalRow.getByRole('link', { name: 'View trade' }).getAttribute('href')).toBe(`#/journal/${tradeId}`);
  });

  it('an approval the re-run checks deny shows what Keel answered, and the signal leaves the list', async () => {
    expect((await postSignal(keel, { id: 'deny-at-approval', symbol: 'DENY', side: 'buy', catalystType: 'earnings', catalystTier: 2 })).decided).toBe('pending');
    // the notification comes whichever view is open (Signals, here)
    await page.getByRole('heading', { level: 1, name: 'Signals' }).waitFor(UI);
    await eventually(async () => expect((await page.evaluate(() => (window as unknown as { notifications: { shown: string[] } }).notifications.shown))).toContain('Keel: DENY waits for approval | 5 stars for $100.00'));
    await view('Approvals').click();
    const row = page.getByRole('row', { name: /DENY/ });
    await row.waitFor(UI);
    // paused by a script meanwhile: approval re-runs every check, and the bot must be running
    expect((await keel.api('POST', '/api/bot/pause')).status).toBe(200);
    await statusBar().getByText('paused', { exact: true }).waitFor(UI);
    await row.getByRole('button', { name: 'Approve DENY' }).click();
    const decided = await eventually(async () => {
      const { body } = await keel.api('GET', '/api/signals/deny-at-approval');
      expect(body.status).toBe('rejected');
      return body;
    });
    await page.getByRole('status', { name: 'Decisions' }).getByText(`DENY: rejected — ${decided.denial.message}.`).waitFor(UI);
    await row.waitFor({ state: 'detached', ...UI });
    expect((await keel.api('POST', '/api/bot/resume')).status).toBe(200);
    await statusBar().getByText('running', { exact: true }).waitFor(UI);
  });

  it('an approval Keel refuses (the signal was rejected elsewhere first) shows the API\'s message', async () => {
    expect((await postSignal(keel, { id: 'race-me', symbol: 'DENY', side: 'buy', catalystType: 'earnings', catalystTier: 1 })).decided).toBe('pending');
    const row = page.getByRole('row', { name: /DENY/ });
    await row.waitFor(UI);
    // the trader's click and a script's rejection cross: the script's reaches Keel first
    await page.route('**/api/signals/race-me/approve', async (route) => {
      expect((await keel.api('POST', '/api/signals/race-me/reject', { note: 'rejected by a script' })).status).toBe(200);
      await route.continue();
    });
    await row.getByRole('button', { name: 'Approve DENY' }).click();
    await page.getByRole('status', { name: 'Decisions' }).getByText('DENY: signal race-me is not pending (rejected)').waitFor(UI);
    await row.waitFor({ state: 'detached', ...UI });
    await page.unroute('**/api/signals/race-me/approve');
  });

  it('a denied signal shows its reason in Signals, and the outcome and symbol filters narrow the list on the server', async () => {
    expect((await postSignal(keel, { id: 'too-few-stars', symbol: 'DENY', side: 'buy', catalystType: 'earnings', catalystTier: 3, stars: 2 })).decided).toBe('skipped');
    const { denial } = (await keel.api('GET', '/api/signals/too-few-stars')).body;
    expect(denial.code).toBe('STARS_TOO_LOW');
    await view('Signals').click();
    const row = page.locator('tr[data-signal="too-few-stars"]');
    await row.getByText(denial.message).waitFor(UI);
    await row.getByText('STARS_TOO_LOW').waitFor(UI);
    // New York time to read, the local time on hover
    const time = row.locator('time');
    expect(await time.textContent()).toMatch(/ ET$/);
    expect(await time.getAttribute('title')).toMatch(/\(your time\)$/);

    await page.getByLabel('Outcome').selectOption('skipped');
    await page.locator('tr[data-signal="approve-me"]').waitFor({ state: 'detached', ...UI });
    await row.waitFor(UI);
    await page.getByLabel('Outcome').selectOption('');
    await page.getByLabel('Symbol').fill(SYMBOL);
    await button('Filter').click();
    await row.waitFor({ state: 'detached', ...UI });
    await page.locator('tr[data-signal="approve-me"]').waitFor(UI);
    // a filter the API refuses shows its message
    await page.getByLabel('Symbol').fill('123');
    await button('Filter').click();
    await page.getByRole('alert').getByText(/symbol/).waitFor(UI);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row.waitFor(UI);
    await screenshot('signals-1280');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot('signals-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await screenshot('signals-375', 375);
  });

  it('pages by the cursor: "Load more" adds the next page under the filters', async () => {
    for (let i = 0; i < 55; i++) {
      const id = `many-${String(i).padStart(2, '0')}`;
      expect((await keel.api('POST', '/api/signals', { id, symbol: 'MANY', side: 'buy', catalystType: 'news', catalystTier: 3, stars: 1 })).status).toBe(202);
    }
    await page.getByLabel('Symbol').fill('MANY');
    await button('Filter').click();
    const rows = page.locator('tr[data-signal^="many-"]');
    await page.locator('tr[data-signal="many-54"]').waitFor(UI);
    expect(await rows.count()).toBe(50);
    expect(await page.locator('tr[data-signal="many-00"]').count()).toBe(0);
    await button('Load more').click();
    await page.locator('tr[data-signal="many-00"]').waitFor(UI);
    expect(await rows.count()).toBe(55);
    await page.getByText('That is every signal matching these filters.').waitFor(UI);
    expect(await button('Load more').count()).toBe(0);
    await page.getByRole('button', { name: 'Clear filters' }).click();
  });

  it('the kill switch: confirm stays disabled until STOP is typed, then the report is shown and the bot is halted', async () => {
    await button('Kill switch').click();
    const dialog = page.getByRole('dialog', { name: 'Kill switch' });
    await dialog.waitFor(UI);
    await dialog.getByText(/halts at once/).waitFor(UI);
    await dialog.getByLabel('Close all positions').check();
    const confirm = dialog.getByRole('button', { name: 'Halt and close all positions' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type STOP to confirm').fill('stop');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type STOP to confirm').press('Enter');
    expect((await keel.api('GET', '/api/bot/status')).body.state).toBe('running');
    await dialog.getByLabel('Type STOP to confirm').fill('STOP');
    expect(await confirm.isEnabled()).toBe(true);
    await screenshot('kill-switch-modal', 1280, false);
    await screenshot('kill-switch-modal-375', 375, false);
    await confirm.click();

    const report = page.getByRole('dialog', { name: 'Kill switch report' });
    await report.waitFor({ timeout: 30_000 });
    await report.getByRole('status').getByText('halted', { exact: true }).waitFor(UI);
    expect(await report.getByRole('row', { name: 'Trades closed' }).getByRole('cell').textContent()).toBe('1');
    await report.getByText('Every Keel position was closed.').waitFor(UI);
    await report.getByText('None: the account is flat.').waitFor(UI);
    await screenshot('kill-switch-report', 1280, false);
    await report.getByRole('button', { name: 'Close' }).click();

    await statusBar().getByText('halted', { exact: true }).waitFor(UI);
    await eventually(async () => expect(await button('Acknowledge halt').isEnabled()).toBe(true));
    expect(await button('Start').isDisabled()).toBe(true);
    expect((await keel.api('GET', '/api/bot/status')).body.state).toBe('halted');
    expect(await sim.ask({ op: 'position', symbol: SYMBOL })).toBeNull();
  });
  it('the kill switch without closing positions lists the position it left, Keel\'s, in its report', async () => {
    await button('Acknowledge halt').click();
    await statusBar().getByText('stopped', { exact: true }).waitFor(UI);
    expect((await keel.api('PATCH', '/api/bot/config', { executionMode: 'full_auto' })).status).toBe(200);
    await button('Start').click();
    await statusBar().getByText('running', { exact: true }).waitFor(UI);
    const signal = { symbol: SYMBOL, side: 'buy', catalystType: 'earnings', catalystTier: 1 };
    await eventually(async () => expect((await keel.api('POST', '/api/signals/evaluate', signal)).body.outcome).toBe('would_fire'));
    expect((await postSignal(keel, { id: 'left-open', ...signal })).decided).toBe('fired');
    const tradeId = (await keel.api('GET', '/api/signals/left-open')).body.tradeId as string;
    await eventually(async () => expect((await keel.api('GET', `/api/trades/${tradeId}`)).body.trade.status).toBe('open'));

    await button('Kill switch').click();
    const dialog = page.getByRole('dialog', { name: 'Kill switch' });
    expect(await dialog.getByLabel('Close all positions').isChecked()).toBe(false);
    await dialog.getByLabel('Type STOP to confirm').fill('STOP');
    await dialog.getByRole('button', { name: 'Halt now' }).click();
    const report = page.getByRole('dialog', { name: 'Kill switch report' });
    await report.getByText('Positions were left open, as asked.').waitFor({ timeout: 30_000 });
    const left = report.getByRole('row', { name: new RegExp(SYMBOL) });
    await left.getByText('Keel', { exact: true }).waitFor(UI);
    const shares = (await keel.api('GET', `/api/trades/${tradeId}`)).body.trade.shares as string;
    expect(await left.getByRole('cell').nth(1).textContent()).toBe(shares);
    await report.getByRole('button', { name: 'Close' }).click();
    await statusBar().getByText('halted', { exact: true }).waitFor(UI);
    expect(await sim.ask({ op: 'position', symbol: SYMBOL })).toBe(shares);
  });
});
