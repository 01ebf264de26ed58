/**
 * B8 (docs/benchmarks.md): the dashboard's Positions view with 200 open positions, measured end to
 * end as a trader sees it. Runnable alone: `npx tsx bench/dashboard-positions.ts` (about 2 minutes:
 * opening 200 positions waits for Alpaca's 200-requests-a-minute budget, which Keel keeps to, so it
 * is not part of `npm run bench`).
 *  - the sim's data stream takes every symbol (a paid SIP feed; see SYMBOL_LIMIT);
 *  - Keel runs as `npm start` does (its own process, embedded PostgreSQL in a fresh data directory),
 *    paper trading on the simulated exchange in a third process with its market pinned open;
 *  - 200 positions are opened honestly: the bot runs full auto and one signal per symbol goes
 *    through POST /api/signals, the pipeline, the broker and the fill;
 *  - Chromium (the browser tests' one) signs in on a cold cache and opens the Positions view: the
 *    first load's transferred bytes (compressed, as the wire carried them: Resource Timing's
 *    transferSize of the document and every resource, API answers included) are reported;
 *  - then batches of price moves: the sim is told a new price for many symbols at once, and for each
 *    symbol the time from just before the bench asked the sim (epoch ms) to the moment the row's
 *    Last cell shows the new price in the page (a MutationObserver, epoch ms, same machine) is one
 *    sample. p50, p95 and max over all samples.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser } from '../tests/support/browser.js';
import { startKeelProcess, type KeelProcess } from '../tests/support/keel-process.js';
import { startSimChild, type SimChild } from '../tests/support/sim-child-process.js';
import { mulberry32 } from '../src/lib/mulberry32.js';

const POSITIONS = Number(process.env.BENCH_POSITIONS ?? 200);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 20);
const PER_BATCH = Number(process.env.BENCH_PER_BATCH ?? 25);
const START_PRICE = 10;
/**
 * The data stream's symbol limit: a paid (SIP) feed's, so every position streams. Alpaca's free IEX
 * feed streams 30 symbols (BENCH_SYMBOL_LIMIT=30): the other positions' prices then come only from
 * the price feed's snapshot poll every 5 s (see docs/benchmarks.md, B8).
 */
const SYMBOL_LIMIT = Number(process.env.BENCH_SYMBOL_LIMIT ?? 10_000);
const TOKEN = 'bench-dashboard-positions-0123456789';

/** AAA, AAB, …: plain upper-case tickers, one per position */
const ticker = (i: number) => String.fromCharCode(65 + Math.floor(i / 676) % 26, 65 + Math.floor(i / 26) % 26, 65 + (i % 26));


const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]!; };

// Page-side code as plain JavaScript source: the TypeScript loader would wrap named functions in a
// helper the page does not have.
/** what the page's first load transferred, from Resource Timing (transferSize = bytes on the wire) */
const LOAD_FIGURES = `(() => {
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  const api = entries.filter((e) => new URL(e.name).pathname.startsWith('/api/'));
  const sum = (xs, key) => xs.reduce((total, e) => total + e[key], 0);
  return { requests: entries.length, transferred: sum(entries, 'transferSize'), decoded: sum(entries, 'decodedBodySize'), apiTransferred: sum(api, 'transferSize') };
})()`;

/** resolves once `condition` holds, re-checked every frame, or fails after 30 s (the page's CSP forbids eval, so no waitForFunction) */
const whenTrue = (condition: string) => `new Promise((resolve, reject) => {
  const end = performance.now() + 30000;
  const check = () => (${condition}) ? resolve(true) : performance.now() > end ? reject(new Error('timed out: ${condition.replace(/'/g, '')}')) : requestAnimationFrame(check);
  check();
})`;

const LAST_COLUMN = `[...document.querySelectorAll('table thead th')].findIndex((th) => th.textContent.trim() === 'Last')`;

/** records in window.benchSeen, per symbol, the epoch ms at which its row's Last cell first reads the target text */
const WATCH = `function (targets, lastColumn) {
  window.benchObserver?.disconnect();
  window.benchSeen = {};
  const pending = new Map(targets.map((t) => [t.symbol, t.text]));
  const check = () => {
    for (const row of document.querySelectorAll('table tbody tr')) {
      const symbol = row.querySelector('a')?.textContent.trim() ?? '';
      const want = pending.get(symbol);
      if (want !== undefined && row.children[lastColumn]?.textContent.trim() === want) {
        window.benchSeen[symbol] = performance.timeOrigin + performance.now();
        pending.delete(symbol);
      }
    }
  };
  window.benchObserver = new MutationObserver(check);
  window.benchObserver.observe(document.body, { subtree: true, childList: true, characterData: true });
}`;

async function until<T>(what: string, check: () => Promise<T | null>, deadlineMs = 240_000): Promise<T> {
  const end = performance.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200)); // polling a real process from outside: no clock to advance
  }
}

async function openPositions(keel: KeelProcess, symbols: string[]): Promise<void> {
  const patch = await keel.api('PATCH', '/api/bot/config', {
    executionMode: 'full_auto', maxConcurrentPositions: null, maxTradesPerDay: 1000, maxHoldDurationSec: 604_800,
  });
  if (patch.status !== 200) throw new Error(`settings refused: ${JSON.stringify(patch.body)}`);
  const started = await keel.api('POST', '/api/bot/start');
  if (started.status !== 200) throw new Error(`start refused: ${JSON.stringify(started.body)}`);
  await until('running', async () => ((await keel.api('GET', '/api/bot/status')).body.state === 'running' ? true : null));
  for (const symbol of symbols) {
    const { status, body } = await keel.api('POST', '/api/signals', { id: `bench-${symbol}`, symbol, side: 'buy', catalystType: 'earnings', catalystTier: 1, strategy: 'gap-up' });
    if (status >= 300 || !['fired', 'received'].includes(body.outcome)) throw new Error(`signal for ${symbol}: ${status} ${JSON.stringify(body)}`);
  }
  await until(`${symbols.length} open positions`, async () => {
    const { items } = (await keel.api('GET', '/api/trades/active')).body as { items: Array<{ state: string }> };
    const open = items.filter((i) => i.state === 'open').length;
    return open >= symbols.length ? open : null;
  });
}

export async function runDashboardPositionsBenchmark(): Promise<void> {
  const symbols = Array.from({ length: POSITIONS }, (_, i) => ticker(i));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'keel-bench-dash-'));
  let sim: SimChild | null = null;
  let keel: KeelProcess | null = null;
  let browser: Awaited<ReturnType<typeof launchBrowser>>['browser'] | null = null;
  try {
    sim = await startSimChild(Object.fromEntries(symbols.map((s) => [s, START_PRICE])), { symbolLimit: SYMBOL_LIMIT });
    keel = await startKeelProcess({ ...sim.env, KEEL_DATA_DIR: dataDir, PORT: '0', KEEL_API_TOKEN: TOKEN });
    const openStart = performance.now();
    await openPositions(keel, symbols);
    console.log(`B8 opened ${POSITIONS} positions through signals in ${((performance.now() - openStart) / 1000).toFixed(1)} s`);

    const launched = await launchBrowser();
    browser = launched.browser;
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${keel.url}/#/positions`);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.evaluate(whenTrue(`document.querySelectorAll('table tbody tr').length >= ${POSITIONS}`));
    const load = await page.evaluate(LOAD_FIGURES) as { requests: number; transferred: number; decoded: number; apiTransferred: number };
    console.log(`B8 first load (${launched.which}, cold cache, ${POSITIONS} positions listed): ${load.requests} requests, ${(load.transferred / 1024).toFixed(1)} KB transferred `
      + `(${(load.decoded / 1024).toFixed(1)} KB decoded; of the transferred, the API answers ${(load.apiTransferred / 1024).toFixed(1)} KB)`);

    // which column is Last: the observer reads only that cell
    const lastColumn = await page.evaluate(LAST_COLUMN) as number;
    if (lastColumn < 0) throw new Error('the Positions table has no Last column');
    const samples: number[] = [];
    // the sim's symbols do not all start at START_PRICE: moves are relative to each entry
    const active = (await keel.api('GET', '/api/trades/active')).body as { items: Array<{ symbol: string; entryPrice: string; lastPrice: string | null }> };
    const entries = new Map(active.items.map((i) => [i.symbol, Number(i.entryPrice)]));
    const prices = new Map(active.items.map((i) => [i.symbol, Number(i.lastPrice)]));
    const rnd = mulberry32(42);
    for (let batch = 0; batch < BATCHES; batch++) {
      // Keel publishes prices on a fixed cadence (PUBLISH_MS): a batch started right after the previous one was
      // seen would always land just after a publish. A random pause de-phases the moves from it.
      await new Promise((resolve) => setTimeout(resolve, rnd() * 1000));
      const moved = Array.from({ length: PER_BATCH }, (_, k) => symbols[(batch * PER_BATCH + k) % POSITIONS]!);
      // within ±3 % of the entry (the stop is 7 % below, the target 10 % above): no exit fires; always a new price
      const targets = moved.map((symbol, k) => {
        let price = Math.round(entries.get(symbol)! * (0.97 + ((batch * 7 + k * 13) % 60) / 1000) * 100) / 100;
        if (price === prices.get(symbol)) price = Math.round((price + 0.01) * 100) / 100;
        prices.set(symbol, price);
        return { symbol, text: `$${price}`, price };
      });
      await page.evaluate(`(${WATCH})(${JSON.stringify(targets.map(({ symbol, text }) => ({ symbol, text })))}, ${lastColumn})`);
      const askedAt = new Map<string, number>();
      for (const t of targets) {
        askedAt.set(t.symbol, performance.timeOrigin + performance.now());
        await sim.ask({ op: 'setPrice', symbol: t.symbol, price: t.price });
      }
      await page.evaluate(whenTrue(`Object.keys(window.benchSeen).length >= ${targets.length}`));
      const seen = await page.evaluate('window.benchSeen') as Record<string, number>;
      for (const t of targets) samples.push(seen[t.symbol]! - askedAt.get(t.symbol)!);
    }
    const p = (q: number) => quantile(samples, q).toFixed(0);
    console.log(`B8 price move → shown in the Positions view (${POSITIONS} open, ${BATCHES} batches of ${PER_BATCH} symbols, ${samples.length} samples): `
      + `p50 ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${Math.max(...samples).toFixed(0)} ms, min ${Math.min(...samples).toFixed(0)} ms`);
  } finally {
    await browser?.close();
    if (keel) await keel.stop();
    await sim?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runDashboardPositionsBenchmark();
