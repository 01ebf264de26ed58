/**
 * The Inspector view in a real Chromium against a real Keel process trading paper on the simulated
 * exchange (its own process, market pinned open): the bot's and the position's statecharts drawn
 * from the server's layout, the bot's actor live, and a position's actor watched through its whole
 * life — pending_entry (the sim holds the entry's fill) → open (fill released) → exiting (the price
 * falls through the hard stop while fills are held again) → closed (the exit fills) — in the
 * drawing's highlighted state and the "Current state" line. Found by role and visible text.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserRig, screenshotDir, type BrowserRig } from '../support/browser-rig.js';
import { eventually } from '../support/eventually.js';
import type { KeelProcess } from '../support/keel-process.js';
import type { SimChild } from '../support/sim-child-process.js';

const TOKEN = 'browser-test-token-inspector-0123456789';
const SYMBOL = 'INSP';
const UI = { timeout: 10_000 };
const shots = screenshotDir();

let rig: BrowserRig;
let keel: KeelProcess;
let sim: SimChild;
let page: Page;

beforeAll(async () => {
  rig = await startBrowserRig({ token: TOKEN, prices: { [SYMBOL]: 50 } });
  ({ keel, sim, page } = rig);
  await rig.signIn('#/inspector');
}, 60_000);

afterAll(async () => {
  await rig?.close();
  shots.cleanup();
});

const current = () => page.locator('.current-state');

/** the "Current state" line and the drawing's highlighted state both show `state` (as a prefix: `exiting` may have children) */
async function showsState(machine: string, state: string): Promise<void> {
  await current().filter({ hasText: new RegExp(`Current state: ${state}(\\.|,|\\s|$)`) }).waitFor(UI);
  await page.getByRole('img', { name: `${machine} statechart` }).locator(`[aria-current="true"][aria-label^="state ${state}"]`).first().waitFor(UI);
}

/**
 * Texts of the drawings that overlap as the browser renders them: each edge label against every
 * other edge label and every state's text, at least a space apart (the server's layout estimates text widths; an
 * underestimate makes labels run into each other).
 */
async function overlappingText(): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const GAP = 3;
    for (const svg of document.querySelectorAll('svg.statechart')) {
      const boxes = [...svg.querySelectorAll<SVGTextElement>('.sc-edge-label, .sc-name, .sc-line')].map((el) => ({ el, box: el.getBBox() }));
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!, b = boxes[j]!;
          if (!a.el.classList.contains('sc-edge-label') && !b.el.classList.contains('sc-edge-label')) continue;
          // at least a space's width apart, or they read as one word
          const apart = a.box.x + a.box.width + GAP <= b.box.x || b.box.x + b.box.width + GAP <= a.box.x || a.box.y + a.box.height <= b.box.y || b.box.y + b.box.height <= a.box.y;
          if (!apart) found.push(`${svg.getAttribute('aria-label')}: "${a.el.textContent?.trim()}" × "${b.el.textContent?.trim()}"`);
        }
      }
    }
    return found;
  });
}

describe('the Inspector view', () => {
  it("draws the bot's and the position's statecharts, and shows the bot's actor live", async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Inspector' }).waitFor(UI);
    await page.getByRole('img', { name: 'bot statechart' }).waitFor(UI);
    await page.getByRole('img', { name: 'position statechart' }).waitFor(UI);
    for (const state of ['pending_entry', 'open', 'exiting', 'closed']) {
      await page.getByRole('img', { name: 'position statechart' }).getByRole('group', { name: `state ${state}`, exact: true }).waitFor(UI);
    }
    await page.getByRole('button', { name: /^bot\b/ }).waitFor(UI);
    await showsState('bot', 'stopped');
    expect(await overlappingText()).toEqual([]);
  });

  it('watches a position go pending_entry → open → exiting → closed in the drawing', async () => {
    // broker stops off: the drawing follows Keel's own exit (a stop at the broker could sell on the same print)
    expect((await keel.api('PATCH', '/api/bot/config', { executionMode: 'full_auto', brokerStopMode: 'off' })).status).toBe(200);
    expect((await keel.api('POST', '/api/bot/start')).body.state).toBe('running');
    await showsState('bot', 'running');
    await sim.ask({ op: 'holdFills', on: true });
    let n = 0;
    const fired = await eventually(async () => {
      const id = `inspector-${++n}`;
      const { body } = await keel.api('POST', '/api/signals', { id, symbol: SYMBOL, side: 'buy', catalystType: 'earnings', catalystTier: 1, strategy: 'gap-up' });
      if (body.outcome !== 'fired') throw new Error(`signal ${id}: ${JSON.stringify(body)}`);
      return id;
    });
    const tradeId = (await keel.api('GET', `/api/signals/${fired}`)).body.tradeId as string;

    const actor = page.getByRole('button', { name: new RegExp(`position ${tradeId}`) });
    await actor.click(UI);
    expect(await actor.getAttribute('aria-pressed')).toBe('true');
    await showsState('position', 'pending_entry');

    await sim.ask({ op: 'holdFills', on: false });
    await showsState('position', 'open');
    // the machine is open at once; the row follows when the entry is written
    const trade = await eventually(async () => {
      const { trade: row } = (await keel.api('GET', `/api/trades/${tradeId}`)).body;
      expect(row.status).toBe('open');
      return row;
    });

    // the hard stop (7 % under the entry) while fills are held: the exit order waits at the exchange
    await sim.ask({ op: 'holdFills', on: true });
    await eventually(async () => {
      await sim.ask({ op: 'setPrice', symbol: SYMBOL, price: Math.round(Number(trade.entryPrice) * 88) / 100 });
      expect((await keel.api('GET', `/api/trades/${tradeId}`)).body.trade.status).toBe('exiting');
    });
    await showsState('position', 'exiting');
    // the transition into exiting is the one animated
    await page.getByRole('img', { name: 'position statechart' }).locator('.sc-edge-last').first().waitFor(UI);
    // the last transition's label is drawn semibold: still clear of its neighbours
    expect(await overlappingText()).toEqual([]);
    await page.screenshot({ path: path.join(shots.dir, 'inspector-1280.png'), fullPage: true });
    // at 375 px the drawings shrink to fit and the log scrolls inside its frame: the page itself does not overflow
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: path.join(shots.dir, 'inspector-375.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    await sim.ask({ op: 'holdFills', on: false });
    await showsState('position', 'closed');
    await current().getByText('done').waitFor(UI);
    await eventually(async () => expect((await keel.api('GET', `/api/trades/${tradeId}`)).body.trade).toMatchObject({ status: 'closed', exitReason: 'hard_stop' }));
    // the event log lists the position's steps, latest first
    const log = page.getByRole('region', { name: /Events/ }).getByRole('table');
    await log.getByRole('row').filter({ hasText: `position:${tradeId}` }).first().waitFor(UI);
    expect((await keel.api('POST', '/api/bot/stop')).body.state).toBe('stopped');
  });
});
