// The Journal view: every trade, newest first, filtered and paged by Keel (Load more follows the
// API's cursor); a row links to the trade's own page (#/journal/<id>). Reloads when the live
// stream reports a trade.
import { html } from './html.js';
import { useEffect, useRef } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { api } from './api.js';
import { changes } from './live.js';
import { signedMoney } from './format.js';
import { EXIT_LABELS, STATUS_LABELS, decimalText, nyDateTime, nyDayBound, pnlWord } from './journal-format.js';

const EMPTY_FILTERS = { status: '', symbol: '', from: '', to: '', exitReason: '', strategy: '', catalystType: '' };

function queryOf(filters, cursor) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    const v = value.trim();
    if (v === '') continue;
    q.set(key, key === 'from' ? nyDayBound(v, false) : key === 'to' ? nyDayBound(v, true) : v);
  }
  if (cursor) q.set('cursor', cursor);
  q.set('limit', '50');
  return q.toString();
}

export function Journal() {
  const form = useSignal(EMPTY_FILTERS);
  const applied = useSignal(EMPTY_FILTERS);
  const items = useSignal(null);
  const next = useSignal(null);
  const error = useSignal(null);
  const loading = useSignal(false);

  // a first page (new filters, or a trade changed) supersedes every answer still on its way
  const generation = useRef(0);
  const load = async (cursor) => {
    if (!cursor) generation.current += 1;
    const mine = generation.current;
    loading.value = true;
    error.value = null;
    try {
      const page = await api('GET', `/api/trades?${queryOf(applied.value, cursor)}`);
      if (mine !== generation.current) return;
      items.value = cursor ? [...(items.value ?? []), ...page.items] : page.items;
      next.value = page.nextCursor;
    } catch (failure) {
      if (mine !== generation.current) return;
      error.value = failure.issues?.length ? `${failure.message}: ${failure.issues.map((i) => `${i.path} ${i.message}`).join('; ')}` : failure.message;
    } finally {
      if (mine === generation.current) loading.value = false;
    }
  };
  useEffect(() => { load(null); }, [applied.value, changes.value]);

  const field = (key, label, attrs = {}) => html`
    <div class="filter">
      <label for=${`f-${key}`}>${label}</label>
      <input id=${`f-${key}`} ...${attrs} value=${form.value[key]} onInput=${(e) => { form.value = { ...form.value, [key]: e.currentTarget.value }; }} />
    </div>`;
  const choice = (key, label, labels) => html`
    <div class="filter">
      <label for=${`f-${key}`}>${label}</label>
      <select id=${`f-${key}`} onChange=${(e) => { form.value = { ...form.value, [key]: e.currentTarget.value }; }}>
        <option value="" selected=${form.value[key] === ''}>any</option>
        ${Object.entries(labels).map(([value, text]) => html`<option value=${value} selected=${form.value[key] === value}>${text}</option>`)}
      </select>
    </div>`;
  const filtered = Object.values(applied.value).some((v) => v.trim() !== '');

  return html`
    <form class="filters" aria-label="Filter trades" onSubmit=${(e) => { e.preventDefault(); applied.value = { ...form.value }; }}>
      ${choice('status', 'Status', STATUS_LABELS)}
      ${field('symbol', 'Symbol', { type: 'text', autocapitalize: 'characters', size: 6 })}
      ${field('from', 'From (ET day)', { type: 'date' })}
      ${field('to', 'To (ET day)', { type: 'date' })}
      ${choice('exitReason', 'Exit reason', EXIT_LABELS)}
      ${field('strategy', 'Strategy', { type: 'text', size: 10 })}
      ${field('catalystType', 'Catalyst type', { type: 'text', size: 10 })}
      <div class="filter actions">
        <button type="submit">Filter</button>
        ${filtered && html`<button type="button" class="quiet" onClick=${() => { form.value = EMPTY_FILTERS; applied.value = EMPTY_FILTERS; }}>Clear</button>`}
      </div>
    </form>
    ${error.value && html`<p class="error" role="alert">Could not load trades: ${error.value}</p>`}
    ${items.value === null && !error.value && html`<p class="loading" role="status">Loading trades…</p>`}
    ${items.value !== null && items.value.length === 0 && html`<div class="empty">${filtered
      ? 'No trade matches these filters. Clear them to see every trade.'
      : 'No trades yet — post a signal (POST /api/signals) and the trades Keel makes appear here.'}</div>`}
    ${items.value !== null && items.value.length > 0 && html`<${TradeTable} trades=${items.value} />`}
    ${next.value && html`<div class="more"><button type="button" disabled=${loading.value} aria-busy=${loading.value ? 'true' : undefined} onClick=${() => load(next.value)}>Load more</button></div>`}`;
}

function TradeTable({ trades }) {
  return html`
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Trades, newest first</caption>
        <thead><tr>
          <th scope="col">Symbol</th><th scope="col">Opened (ET)</th><th scope="col">Status</th>
          <th scope="col" class="num">Shares</th><th scope="col" class="num">Entry</th><th scope="col" class="num">Exit</th>
          <th scope="col" class="num">P&L</th><th scope="col" class="num">P&L %</th>
          <th scope="col">Exit reason</th><th scope="col">Strategy</th><th scope="col">Catalyst</th>
        </tr></thead>
        <tbody>
          ${trades.map((t) => {
            const at = nyDateTime(t.entryAt ?? t.createdAt);
            const pnl = signedMoney(t.pnl);
            return html`<tr>
              <td><a href=${`#/journal/${t.id}`}>${t.symbol}</a></td>
              <td title=${at.title}>${at.text}</td>
              <td>${STATUS_LABELS[t.status] ?? t.status}</td>
              <td class="num">${decimalText(t.shares)}</td>
              <td class="num">${t.entryPrice === null ? '—' : `$${t.entryPrice}`}</td>
              <td class="num">${t.exitPrice === null ? '—' : `$${t.exitPrice}`}</td>
              <td class=${`num ${pnl.sign}`}>${pnl.text}${pnl.sign !== 'none' && html` <span class="word">${pnlWord(pnl.sign)}</span>`}</td>
              <td class=${`num ${pnl.sign}`}>${t.pnlPct === null ? '—' : `${Number(t.pnlPct) > 0 ? '+' : Number(t.pnlPct) < 0 ? '−' : ''}${Math.abs(Number(t.pnlPct)).toFixed(2)}%`}</td>
              <td>${t.exitReason ? EXIT_LABELS[t.exitReason] ?? t.exitReason : '—'}</td>
              <td>${t.strategy ?? '—'}</td>
              <td>${t.catalystType ?? '—'}${t.catalystTier ? ` · T${t.catalystTier}` : ''}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
}
