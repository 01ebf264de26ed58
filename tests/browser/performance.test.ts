/**
 * The Performance view in a real Chromium against a real Keel process (paper, on the simulated
 * exchange). Its history is seeded straight into PostgreSQL through the test's database URL —
 * four closed paper trades and four daily closing equity snapshots, a few days back — so every
 * figure on the cards is worked out here by hand. Keel itself writes nothing into that range (the
 * bot stays stopped, and the range ends before today).
 * Screenshots are taken on every run; with KEEL_SCREENSHOTS=1 they replace the committed ones in
 * docs/screenshots/.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, etDate, etWallToEpoch } from '../../src/domain/market-time.js';
import { Decimal } from '../../src/domain/money.js';
import { startBrowserRig, screenshotDir, type BrowserRig } from '../support/browser-rig.js';
import type { KeelProcess } from '../support/keel-process.js';
import { insertEquityRows, insertTradeRows, type TradeRowSpec } from '../support/performance-rows.js';
import type { SimChild } from '../support/sim-child-process.js';
import type { TestDb } from '../support/test-db.js';

const TOKEN = 'browser-test-token-performance-0123456';
const UI = { timeout: 10_000 };
const shots = screenshotDir();
const SHOTS = shots.dir;

// four New York days ending the day before yesterday: closes on each, trades on the last three
const LAST = addDays(etDate(Date.now()), -2);
const DAYS = [-3, -2, -1, 0].map((n) => addDays(LAST, n));
const CLOSES = ['100000', '101000', '100495', '101500'];
const TRADES: Array<[day: number, symbol: string, strategy: string, pnl: string]> = [
  [1, 'AAA', 'gap-up', '120.00'], [2, 'BBB', 'gap-up', '-40.00'], [3, 'CCC', 'news', '60.00'], [3, 'DDD', 'news', '-20.00'],
];

let testDb: TestDb;
let sim: SimChild;
let rig: BrowserRig;
let keel: KeelProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  rig = await startBrowserRig({
    token: TOKEN, prices: { PERF: 10 },
    seed: async (db) => {
      await insertTradeRows(db, TRADES.map(([day, symbol, strategy, pnl], i): TradeRowSpec => {
        const entryAt = etWallToEpoch(DAYS[day]!, 10, i);
        return {
          mode: 'paper', status: 'closed', symbol, pnl, entryAt, exitAt: entryAt + 20 * 60_000, strategy,
          catalystType: 'earnings', catalystTier: 1, stars: 5, exitReason: Number(pnl) > 0 ? 'profit_target' : 'hard_stop',
        };
      }));
      await insertEquityRows(db, DAYS.map((day, i) => ({
        mode: 'paper' as const, t: etWallToEpoch(day, 16, 0), kind: 'close' as const, sessionDate: day, equity: new Decimal(CLOSES[i]!), realizedPnl: new Decimal(0),
      })));
    },
  });
  ({ testDb, sim, keel, browser, page } = rig);
  await rig.signIn();
}, 60_000);

afterAll(async () => {
  await rig?.close();
  shots.cleanup();
});

/** the figure a summary card shows (its first <dd>) */
const card = (label: string) => page.getByLabel('Summary').locator('div').filter({ has: page.getByRole('term').getByText(label, { exact: true }) }).getByRole('definition').first();

async function showRange(from: string, to: string, mode?: string) {
  await page.getByLabel('From (ET day)').fill(from);
  await page.getByLabel('To (ET day)').fill(to);
  if (mode) await page.getByLabel('Mode', { exact: true }).selectOption(mode);
  await page.getByRole('button', { name: 'Show' }).click();
}

/** Sharpe and Sortino as the README defines them: daily returns of the closes, √252, zero risk-free rate */
function ratios(closes: readonly string[]): { sharpe: number; sortino: number } {
  const r = closes.slice(1).map((c, i) => Number(c) / Number(closes[i]) - 1);
  const mean = r.reduce((s, x) => s + x, 0) / r.length;
  const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1));
  const downside = Math.sqrt(r.reduce((s, x) => s + Math.min(x, 0) ** 2, 0) / r.length);
  return { sharpe: (mean / sd) * Math.sqrt(252), sortino: (mean / downside) * Math.sqrt(252) };
}

describe('the Performance view', () => {
  it('shows the seeded trades\' figures on the cards, the strategies in the breakdown, and the charts', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Performance' }).click();
    // first Keel's defaults (the 30 days ending today, the bot's mode): the pickers show them
    await page.getByLabel('Summary').waitFor(UI);
    expect(await page.getByLabel('Mode', { exact: true }).inputValue()).toBe('paper');
    expect(await page.getByLabel('To (ET day)').inputValue()).toBe(etDate(Date.now()));
    await showRange(DAYS[0]!, DAYS[3]!);
    await page.getByText(`Paper trading, ${DAYS[0]} to ${DAYS[3]}`).waitFor(UI);

    // +120 − 40 + 60 − 20 = +120 over 4 trades; 2 won (50 %); 180 profit ÷ 60 loss = 3; 120 ÷ 4 = +30
    expect(await card('Total P&L').textContent()).toBe('+$120.00 ▲ gain');
    expect(await card('Trades').textContent()).toBe('4');
    expect(await card('Win rate').textContent()).toBe('50.0%');
    expect(await card('Profit factor').textContent()).toBe('3.00');
    expect(await card('Expectancy').textContent()).toBe('+$30.00');
    // peak 101,000 → 100,495: $505, 0.5 % of the peak
    expect(await card('Max drawdown').textContent()).toBe('$505.00');
    await page.getByText('−0.50%', { exact: true }).waitFor(UI);
    const { sharpe, sortino } = ratios(CLOSES);
    expect(await card('Sharpe').textContent()).toBe(sharpe.toFixed(2));
    expect(await card('Sortino').textContent()).toBe(sortino.toFixed(2));
    expect(await card('Best trade').textContent()).toBe('+$120.00 ▲ gain');
    expect(await card('Worst trade').textContent()).toBe('−$40.00 ▼ loss');
    expect(await page.getByRole('link', { name: 'BBB' }).getAttribute('href')).toMatch(/^#\/journal\/[0-9a-f-]+$/);

    // the breakdown lists both strategies, largest total first: gap-up +80, news +40
    const table = page.getByRole('table');
    const rows = table.getByRole('row');
    await rows.nth(2).waitFor(UI);
    expect(await rows.nth(1).getByRole('rowheader').textContent()).toBe('gap-up');
    expect(await rows.nth(1).getByRole('cell').nth(3).textContent()).toBe('+$80.00 ▲ gain');
    expect(await rows.nth(2).getByRole('rowheader').textContent()).toBe('news');
    await page.getByLabel('Group by').selectOption('symbol');
    await table.getByRole('rowheader', { name: 'BBB' }).waitFor(UI);
    await page.getByLabel('Group by').selectOption('strategy');

    // the charts describe themselves: 4 daily bars (3 with trades: 2 up, 1 down; the first day's 0)
    await page.getByRole('img', { name: /^Equity from \$100,000 to \$101,500/ }).waitFor(UI);
    await page.getByRole('img', { name: 'Realized P&L on 4 days: 2 up, 1 down.' }).waitFor(UI);
    await page.getByRole('img', { name: 'Win rate by strategy: gap-up: 50.0% of 2; news: 50.0% of 2' }).waitFor(UI);
    await page.screenshot({ path: path.join(SHOTS, 'performance-1280.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(SHOTS, 'performance-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: path.join(SHOTS, 'performance-375.png'), fullPage: true });
    // nothing wider than the phone's screen but the table, which scrolls inside its frame
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 60_000);

  it('says a null figure is undefined and why', async () => {
    // one day, one winning trade: no losing trade, a single close (no daily return)
    await showRange(DAYS[1]!, DAYS[1]!);
    await page.getByText(`Paper trading, ${DAYS[1]} to ${DAYS[1]}`).waitFor(UI);
    expect(await card('Profit factor').textContent()).toBe('—');
    expect(await card('Profit factor').getAttribute('title')).toBe('no losing trade: nothing to divide by');
    expect(await card('Sharpe').getAttribute('title')).toMatch(/at least 2 daily returns/);
  });

  it('shows the empty state for the other mode', async () => {
    await showRange(DAYS[0]!, DAYS[3]!, 'live');
    await page.getByText(/^No closed trades in this range \(live/).waitFor(UI);
    expect(await page.getByLabel('Summary').count()).toBe(0);
  });

  it('shows Keel\'s refusal of a range that ends before it starts, beside the pickers', async () => {
    const refused = await keel.api('GET', `/api/performance?from=${DAYS[3]}&to=${DAYS[0]}&mode=paper`);
    expect(refused.status).toBe(400);
    const { message, issues } = refused.body.error as { message: string; issues: Array<{ path: string; message: string }> };
    await showRange(DAYS[3]!, DAYS[0]!, 'paper');
    const alert = page.getByRole('form', { name: 'Range and mode' }).getByRole('alert');
    await alert.getByText(message, { exact: false }).waitFor(UI);
    expect(issues.map((i) => i.path)).toEqual(['to']);
    expect(await alert.textContent()).toContain(issues[0]!.message);
    expect(await page.getByLabel('Summary').count()).toBe(0);
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: path.join(SHOTS, 'performance-error-375.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    // a good range again takes the refusal away
    await showRange(DAYS[0]!, DAYS[3]!);
    await page.getByLabel('Summary').waitFor(UI);
    expect(await alert.count()).toBe(0);
  });
});
