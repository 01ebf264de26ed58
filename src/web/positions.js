// The Positions view: every open trade as /api/trades/active lists it, its last price and P&L kept
// live by the stream's `positions` events (merged by trade id, the newer tick wins), the hold time
// and the time to max hold counted down by the page's own clock (no server call). Reloads the list
// when a trade opens or closes and after a `reset`; a row links to the trade's page.
import { html } from './html.js';
import { useEffect, useRef } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { api } from './api.js';
import { changes, livePositions } from './live.js';
import { signedMoney } from './format.js';
import { decimalText, nyDateTime, pnlWord } from './journal-format.js';

export function Positions() {
  const items = useSignal(null);
  const error = useSignal(null);
  const now = useSignal(Date.now());
  const generation = useRef(0);

  const load = async () => {
    const mine = ++generation.current;
    error.value = null;
    try {
      const answer = await api('GET', '/api/trades/active');
      if (mine === generation.current) items.value = answer.items;
    } catch (failure) {
      if (mine === generation.current) error.value = failure.message;
    }
  };
  useEffect(() => { load(); }, [changes.value]);
  // the countdowns tick with the page's clock
  useEffect(() => {
    const timer = setInterval(() => { now.value = Date.now(); }, 1000);
    return () => clearInterval(timer);
  }, []);

  if (error.value) return html`<p class="error" role="alert">Could not load the open positions: ${error.value}</p>`;
  if (items.value === null) return html`<p class="loading" role="status">Loading positions…</p>`;
  if (items.value.length === 0) return html`<div class="empty">No open positions — post a signal (POST /api/signals) and the positions Keel opens appear here, live.</div>`;
  const live = livePositions.value;
  const rows = items.value.map((row) => {
    const tick = live[row.id];
    return tick && (tick.lastPriceAt ?? 0) >= (row.lastPriceAt ?? 0) ? { ...row, ...tick } : row;
  });
  return html`<${PositionTable} rows=${rows} now=${now.value} />`;
}

const money = (value) => (value === null || value === undefined ? '—' : `$${value}`);

function pct(value) {
  if (value === null || value === undefined) return '—';
  const n = Number(value);
  return `${n > 0 ? '+' : n < 0 ? '−' : ''}${Math.abs(n).toFixed(2)}%`;
}

/** a duration as a clock reads (1:05:09, 4:58): narrow enough for a table of 12 columns */
function clockText(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function countdown(until, now) {
  if (until === null || until === undefined) return '—';
  const left = Math.ceil((until - now) / 1000);
  return left <= 0 ? 'due' : clockText(left);
}

// the protective sell stop at the broker: its price while live, else a word and why (on hover)
function BrokerStop({ stop }) {
  if (!stop || stop.state === null) return '—';
  if (stop.state === 'protected') {
    return stop.note ? html`<span title=${stop.note}>${money(stop.stopPrice)} <span class="word warn">part</span></span>` : money(stop.stopPrice);
  }
  if (stop.state === 'syncing') return html`<span class="word">placing</span>`;
  return html`<span class="word warn" title=${stop.why ?? ''}>none</span>`;
}

function PositionTable({ rows, now }) {
  return html`
    <div class="table-wrap">
      <table class="compact">
        <caption class="visually-hidden">Open positions, oldest entry first</caption>
        <thead><tr>
          <th scope="col">Symbol</th><th scope="col" class="num">Shares</th><th scope="col" class="num">Entry</th>
          <th scope="col" class="num">Last</th><th scope="col" class="num">Unrealized P&L</th><th scope="col" class="num">Unrealized %</th>
          <th scope="col" class="num">Peak</th><th scope="col" class="num">Stop</th><th scope="col" class="num">Broker stop</th><th scope="col" class="num">Target</th>
          <th scope="col" class="num">Trailing</th><th scope="col" class="num">Held</th><th scope="col" class="num">Max hold in</th>
        </tr></thead>
        <tbody>
          ${rows.map((p) => {
            const pnl = signedMoney(p.unrealizedPnl);
            const last = nyDateTime(p.lastPriceAt);
            return html`<tr key=${p.id}>
              <td><a href=${`#/journal/${p.id}`}>${p.symbol}</a>${p.state === 'exiting' && html` <span class="word warn">exiting</span>`}</td>
              <td class="num">${decimalText(p.shares)}</td>
              <td class="num">${money(p.entryPrice)}</td>
              <td class="num" title=${p.lastPriceAt ? `at ${last.text} · ${last.title}` : 'no price since the entry'}>${money(p.lastPrice)}</td>
              <td class=${`num ${pnl.sign}`}>${pnl.text}${pnl.sign !== 'none' && html` <span class="word">${pnlWord(pnl.sign)}</span>`}</td>
              <td class=${`num ${pnl.sign}`}>${pct(p.unrealizedPnlPct)}</td>
              <td class="num">${money(p.peakPrice)}</td>
              <td class="num">${money(p.stopPrice)}</td>
              <td class="num">${BrokerStop({ stop: p.brokerStop })}</td>
              <td class="num">${money(p.targetPrice)}${p.targetAtBroker && html` <span class="word below" title="a take-profit limit rests at the broker: it sells at the target or better, so Keel's monitor leaves the target to it">at broker</span>`}</td>
              <td class="num">${p.trailingStopPrice === null ? html`<span title="trailing stop off">off</span>` : money(p.trailingStopPrice)}</td>
              <td class="num">${p.entryAt === null ? '—' : clockText(Math.max(0, Math.floor((now - p.entryAt) / 1000)))}</td>
              <td class="num">${countdown(p.maxHoldUntil, now)}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
}
