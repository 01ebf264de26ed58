/**
 * The dashboard in a real Chromium against a real Keel process on the simulated exchange, reached
 * through a loopback relay so a test can drop the live stream the way a network does. Elements are
 * found by role, label and visible text, as a trader (or a screen reader) finds them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import { startKeelProcess, type KeelProcess } from '../support/keel-process.js';
import { openSseStream } from '../support/sse-client.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { createTestDb, type TestDb } from '../support/test-db.js';

const TOKEN = 'browser-test-token-0123456789abcdef';
/** a UI step: Playwright's own auto-waiting for an element, bounded well inside the test timeout */
const UI = { timeout: 10_000 };

let testDb: TestDb;
let dataDir: string;
let keel: KeelProcess;
let proxy: TcpProxy;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  testDb = await createTestDb();
  dataDir = mkdtempSync(path.join(tmpdir(), 'keel-browser-'));
  keel = await startKeelProcess({ DATABASE_URL: testDb.url, KEEL_DATA_DIR: dataDir, PORT: '0', KEEL_API_TOKEN: TOKEN });
  const { hostname, port } = new URL(keel.url);
  proxy = await startTcpProxy({ host: hostname, port: Number(port) });
  const launched = await launchBrowser();
  browser = launched.browser;
  console.info(`browser tests run on ${launched.which}`);
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  if (keel) expect(await keel.stop()).toBe(0);
  await testDb?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const statusBar = () => page.getByRole('region', { name: 'Status' });
/** the value of one of the status bar's fields, found by its visible name */
const field = (name: string) => statusBar().locator('dl > div', { has: page.getByRole('term').getByText(name, { exact: true }) }).getByRole('definition');
const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');

async function screenshot(name: string, width: number): Promise<void> {
  if (!process.env.KEEL_SCREENSHOTS) return;
  await page.setViewportSize({ width, height: 800 });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
  await page.setViewportSize({ width: 1280, height: 800 });
}
const stateShown = (state: string) => statusBar().getByText(state, { exact: true });

describe('the dashboard', () => {
  it('refuses a wrong token with the API\'s message, then signs in and shows the live status bar', async () => {
    await page.goto(proxy.url);
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText("that is not this Keel's API token").waitFor(UI);

    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await stateShown('stopped').waitFor(UI);
    await statusBar().getByText('PAPER', { exact: true }).waitFor(UI);
    await statusBar().getByText('Live', { exact: true }).waitFor(UI);
    // the token went into no URL and no storage the page can read
    expect(page.url()).not.toContain(TOKEN);
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie)).not.toContain(TOKEN);
    expect(await page.evaluate(() => document.cookie)).toBe('');

    // the account, the market's countdown and the broker streams, from what Keel holds
    await eventually(async () => expect(await field('Equity').textContent()).toMatch(/^\$\d{1,3}(,\d{3})*\.\d\d$/));
    await eventually(async () => expect(await field('Trade stream').textContent()).toContain('live'));
    expect(await field('Data stream').textContent()).toContain('off'); // the supervisor starts it with the bot
    const { body } = await keel.api('GET', '/api/bot/status');
    const countdown = field('Market').locator('time');
    expect(await countdown.textContent()).toMatch(body.market.open ? /^closes in \d/ : /^opens in \d/);
    expect(await countdown.getAttribute('datetime')).toBe(new Date(body.market.open ? body.market.nextClose : body.market.nextOpen).toISOString());
    expect(await field('Unrealized P&L').textContent()).toMatch(/^(\$0\.00|—)$/);
    await statusBar().getByText('stopped — STARTUP', { exact: true }).waitFor(UI);
    for (const name of ['Positions', 'Approvals', 'Signals', 'Journal', 'Performance', 'Settings']) {
      await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name }).click();
      await page.getByRole('heading', { level: 1, name }).waitFor(UI);
    }
  });

  it('starts, pauses, resumes and stops (after confirming) the bot, and the status bar follows', async () => {
    const button = (name: string) => page.getByRole('button', { name, exact: true });
    expect(await button('Pause').isDisabled()).toBe(true);
    await button('Start').click();
    await stateShown('running').waitFor(UI);
    expect(await button('Start').isDisabled()).toBe(true);

    await button('Pause').click();
    await stateShown('paused').waitFor(UI);
    await statusBar().getByText('paused — by the trader', { exact: true }).waitFor(UI);
    await button('Resume').click();
    await stateShown('running').waitFor(UI);

    await button('Stop').click();
    const dialog = page.getByRole('dialog', { name: 'Stop the bot?' });
    await dialog.waitFor(UI);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden', ...UI });
    expect((await keel.api('GET', '/api/bot/status')).body.state).toBe('running');

    await button('Stop').click();
    await dialog.getByRole('button', { name: 'Stop the bot' }).click();
    await stateShown('stopped').waitFor(UI);
    expect((await keel.api('GET', '/api/bot/status')).body.state).toBe('stopped');
  });

  it('follows a change made elsewhere (a script) live over the stream', async () => {
    // the stream itself: a state change is a NEW event (the next id), not the next heartbeat's snapshot
    const stream = await openSseStream(`${keel.url}/api/events`, { authorization: `Bearer ${TOKEN}` });
    try {
      await eventually(async () => expect(stream.named('status').length).toBeGreaterThan(0));
      const snapshotId = Number(stream.named('status')[0]!.id);
      expect((await keel.api('POST', '/api/bot/start')).status).toBe(200);
      await eventually(async () => expect(stream.named('status').some((e) => Number(e.id) > snapshotId && JSON.parse(e.data).state === 'running')).toBe(true));
    } finally {
      await stream.close();
    }
    await stateShown('running').waitFor(UI);
    // running: the position supervisor has started the market data stream
    await eventually(async () => expect(await field('Data stream').textContent()).toContain('live'));
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Positions' }).click();
    await page.getByRole('heading', { level: 1, name: 'Positions' }).waitFor(UI);
    await screenshot('dashboard-1280', 1280);
    await screenshot('dashboard-375', 375);
  });

  it('shows "reconnecting…" when the stream drops, and catches up with what changed meanwhile', async () => {
    await statusBar().getByText('Live', { exact: true }).waitFor(UI);
    proxy.cut();
    await statusBar().getByText('reconnecting…').waitFor(UI);
    // a change the page cannot hear about while it is cut off
    expect((await keel.api('POST', '/api/bot/pause')).status).toBe(200);
    proxy.restore();
    await statusBar().getByText('Live', { exact: true }).waitFor(UI);
    await stateShown('paused').waitFor(UI);
  });

  it('signs out: the sign-in form is back and the session no longer reads the API', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor(UI);
    const status = await page.evaluate(async () => (await fetch('/api/bot/status')).status);
    expect(status).toBe(401);
  });
});
