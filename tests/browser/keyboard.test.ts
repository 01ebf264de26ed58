/**
 * The dashboard with the keyboard alone, in a real Chromium against a real Keel process: a trader
 * signs in, moves between views, starts and stops the bot and opens (and backs out of) the kill
 * switch without a mouse. Focus is moved by Tab and read back by role and name; nothing is clicked.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserRig, type BrowserRig } from '../support/browser-rig.js';
import type { KeelProcess } from '../support/keel-process.js';
import type { TestDb } from '../support/test-db.js';

const TOKEN = 'keyboard-test-token-0123456789abcdef';
const UI = { timeout: 10_000 };

let testDb: TestDb;
let rig: BrowserRig;
let keel: KeelProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  rig = await startBrowserRig({ token: TOKEN });
  ({ testDb, keel, browser, page } = rig);
}, 60_000);

afterAll(async () => {
  await rig?.close();
});

/** the accessible name of the focused element (its text, label or aria-label) */
const focused = () => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null;
  if (!el) return '';
  const label = el.getAttribute('aria-label') ?? (el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null);
  return (label ?? el.textContent ?? '').trim();
});

/** Tab until the element with this accessible name has the focus (at most 60 stops) */
async function tabTo(name: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if ((await focused()) === name) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached "${name}" (last: "${await focused()}")`);
}

const stateShown = (state: string) => page.getByRole('region', { name: 'Status' }).getByText(state, { exact: true });

describe('the dashboard by keyboard', () => {
  it('signs in, changes view, starts and stops the bot, and backs out of the kill switch', async () => {
    await page.goto(keel.url);
    await tabTo('API token');
    await page.keyboard.type(TOKEN);
    await page.keyboard.press('Enter');
    await stateShown('stopped').waitFor(UI);

    await tabTo('Journal');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Journal' }).waitFor(UI);

    await tabTo('Start');
    await page.keyboard.press('Enter');
    await stateShown('running').waitFor(UI);

    // the kill switch opens on Enter, and Escape leaves it without halting
    await tabTo('Kill switch');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor(UI);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden', ...UI });
    await stateShown('running').waitFor(UI);

    // Stop asks first: confirmed from the keyboard
    await tabTo('Stop');
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog');
    await confirm.waitFor(UI);
    await tabTo('Stop the bot');
    await page.keyboard.press('Enter');
    await stateShown('stopped').waitFor(UI);
    expect(page.url()).not.toContain(TOKEN);
  });
});
