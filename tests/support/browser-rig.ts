/**
 * What every browser test file starts and stops the same way: its own database, the simulated
 * exchange in its own process (market pinned open; left out when `prices` is absent), a real Keel
 * process on both, one Chromium with one page (the packed build runs single-process: one page per
 * browser), and a sign-in as a trader does it. close() stops all of it in reverse and asserts that
 * Keel exited 0. screenshotDir(): docs/screenshots with KEEL_SCREENSHOTS=1, else a temporary one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchBrowser } from './browser.js';
import { eventually } from './eventually.js';
import { startKeelProcess, type KeelProcess } from './keel-process.js';
import { startSimChild, type SimChild } from './sim-child-process.js';
import { createTestDb, type TestDb } from './test-db.js';

const UI = { timeout: 10_000 };

export interface BrowserRig {
  testDb: TestDb;
  /** null without `prices` */
  sim: SimChild;
  keel: KeelProcess;
  browser: Browser;
  page: Page;
  /** starts the bot full auto and fires a signal for `symbol` (a fresh id per try: entries wait for
   *  the trade stream to be live); answers the trade once its entry filled */
  openOnTheSim(symbol: string, idPrefix: string): Promise<{ id: string; entryPrice: string; shares: string; [field: string]: unknown }>;
  /** opens `hash` (default the first view), signs in with the token and waits for the status bar */
  signIn(hash?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startBrowserRig(opts: {
  token: string;
  /** the sim's symbols and their prices; absent = Keel's own in-process sim */
  prices?: Record<string, number>;
  /** rows written before Keel starts */
  seed?: (db: TestDb['db']) => Promise<void>;
}): Promise<BrowserRig> {
  const stops: Array<() => Promise<void> | void> = [];
  const close = async () => { for (const stop of stops.splice(0).reverse()) await stop(); };
  try {
    const testDb = await createTestDb();
    stops.push(() => testDb.close());
    await opts.seed?.(testDb.db);
    const sim = opts.prices ? await startSimChild(opts.prices) : null;
    if (sim) stops.push(() => sim.stop());
    const dataDir = mkdtempSync(path.join(tmpdir(), 'keel-browser-'));
    stops.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const keel = await startKeelProcess({ ...(sim?.env ?? {}), DATABASE_URL: testDb.url, KEEL_DATA_DIR: dataDir, PORT: '0', KEEL_API_TOKEN: opts.token });
    stops.push(async () => { expect(await keel.stop()).toBe(0); });
    const launched = await launchBrowser();
    stops.push(() => launched.browser.close());
    console.info(`browser tests run on ${launched.which}`);
    const page = await launched.browser.newPage({ viewport: { width: 1280, height: 800 } });
    return {
      testDb, sim: sim as SimChild, keel, browser: launched.browser, page, close,
      async openOnTheSim(symbol, idPrefix) {
        expect((await keel.api('PATCH', '/api/bot/config', { executionMode: 'full_auto', brokerStopMode: 'off' })).status).toBe(200);
        expect((await keel.api('POST', '/api/bot/start')).body.state).toBe('running');
        let n = 0;
        const fired = await eventually(async () => {
          const id = `${idPrefix}-${++n}`;
          const { body } = await keel.api('POST', '/api/signals', { id, symbol, side: 'buy', catalystType: 'earnings', catalystTier: 1, strategy: 'gap-up' });
          if (body.outcome !== 'fired') throw new Error(`signal ${id}: ${JSON.stringify(body)}`);
          return id;
        });
        const id = (await keel.api('GET', `/api/signals/${fired}`)).body.tradeId as string;
        return eventually(async () => {
          const { trade } = (await keel.api('GET', `/api/trades/${id}`)).body;
          if (trade?.status !== 'open') throw new Error(`trade ${trade?.status}`);
          return trade;
        });
      },
      async signIn(hash = '') {
        await page.goto(`${keel.url}/${hash}`);
        await page.getByLabel('API token').fill(opts.token);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('region', { name: 'Status' }).getByText('stopped', { exact: true }).waitFor(UI);
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** where a test writes its screenshots, and how to clean up after it */
export function screenshotDir(): { dir: string; cleanup(): void } {
  if (process.env.KEEL_SCREENSHOTS === '1') {
    return { dir: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots'), cleanup: () => undefined };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'keel-shots-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
