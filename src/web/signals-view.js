// Signals: every signal Keel received with what it decided and why not, newest first, filtered by
// outcome and symbol on the server and paged by its cursor ("Load more"). When the live stream says
// a signal changed, the first page is read again and merged in (new rows on top, changed rows
// updated in place) so the pages already loaded stay. A row with a trade links to it in the journal.
import { html } from './html.js';
import { useEffect, useRef } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { api } from './api.js';
import { changes } from './live.js';
import { dollars, NyTime, Outcome, OUTCOME_LABELS, reasonOf, Stars } from './signal-format.js';

const PAGE = 50;

function query(filters, cursor) {
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (filters.status) q.set('status', filters.status);
  if (filters.symbol) q.set('symbol', filters.symbol);
  if (cursor) q.set('cursor', cursor);
  return `/api/signals?${q}`;
}

export function SignalsView() {
  const filters = useSignal({ status: '', symbol: '' });
  const symbolDraft = useSignal('');
  const items = useSignal(null);
  const cursor = useSignal(null);
  const error = useSignal(null);
  const loadingMore = useSignal(false);
  const loads = useRef(0);
  const generation = useRef(0);

  /** the first page under the current filters: replaces the list, or (`merge`) updates it */
  const loadFirst = async (merge) => {
    const mine = ++loads.current;
    try {
      const page = await api('GET', query(filters.value));
      if (mine !== loads.current) return;
      error.value = null;
      if (merge && items.value) {
        const fresh = new Map(page.items.map((s) => [s.id, s]));
        const known = new Set(items.value.map((s) => s.id));
        items.value = [...page.items.filter((s) => !known.has(s.id)), ...items.value.map((s) => fresh.get(s.id) ?? s)];
      } else {
        items.value = page.items;
        cursor.value = page.nextCursor;
      }
    } catch (failure) {
      if (mine === loads.current) error.value = failure.message;
    }
  };
  const loadMore = async () => {
    loadingMore.value = true;
    // only a change of filters makes the next page stale (a live merge does not)
    const mine = generation.current;
    try {
      const page = await api('GET', query(filters.value, cursor.value));
      if (mine !== generation.current) return;
      const known = new Set(items.value.map((s) => s.id));
      items.value = [...items.value, ...page.items.filter((s) => !known.has(s.id))];
      cursor.value = page.nextCursor;
      error.value = null;
    } catch (failure) {
      error.value = failure.message;
    } finally {
      loadingMore.value = false;
    }
  };

  // a live change: one merge at a time; events arriving meanwhile (a burst) make ONE more after it
  const merging = useRef(false);
  const dirty = useRef(false);
  const mergeLive = async () => {
    if (merging.current) {
      dirty.current = true;
      return;
    }
    merging.current = true;
    try {
      await loadFirst(true);
    } finally {
      merging.current = false;
      if (dirty.current) {
        dirty.current = false;
        mergeLive();
      }
    }
  };
  const tick = changes.value;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) loadFirst(false);
    else mergeLive();
    first.current = false;
  }, [tick]);

  const apply = (next) => {
    generation.current += 1;
    filters.value = { ...filters.value, ...next };
    items.value = null;
    cursor.value = null;
    loadFirst(false);
  };
  const filtered = filters.value.status !== '' || filters.value.symbol !== '';

  return html`
    <form class="filters" onSubmit=${(e) => { e.preventDefault(); apply({ symbol: symbolDraft.value.trim() }); }} aria-label="Filter signals">
      <div>
        <label for="signal-status">Outcome</label>
        <select id="signal-status" value=${filters.value.status} onChange=${(e) => apply({ status: e.currentTarget.value })}>
          <option value="">All outcomes</option>
          ${Object.entries(OUTCOME_LABELS).map(([value, label]) => html`<option value=${value}>${label}</option>`)}
        </select>
      </div>
      <div>
        <label for="signal-symbol">Symbol</label>
        <input id="signal-symbol" value=${symbolDraft.value} placeholder="e.g. AAPL" autocomplete="off" spellcheck=${false}
          onInput=${(e) => { symbolDraft.value = e.currentTarget.value; }} />
      </div>
      <button type="submit">Filter</button>
      ${filtered && html`<button type="button" class="quiet" onClick=${() => { symbolDraft.value = ''; apply({ status: '', symbol: '' }); }}>Clear filters</button>`}
    </form>
    ${error.value && html`<p class="error" role="alert">Could not load the signals: ${error.value}</p>`}
    ${items.value === null && !error.value && html`<p class="loading" role="status">Loading signals…</p>`}
    ${items.value !== null && items.value.length === 0 && html`<div class="empty">${filtered
      ? 'No signal matches these filters. Clear them to see every signal.'
      : 'No signals yet. Post one to POST /api/signals (or run the Quick start in the README) and its decision shows here.'}</div>`}
    ${items.value !== null && items.value.length > 0 && html`
      <div class="table-wrap stack">
        <table>
          <caption class="visually-hidden">Signals, newest first</caption>
          <thead><tr>
            <th scope="col">Received</th><th scope="col">Symbol</th><th scope="col">Catalyst</th><th scope="col">Stars</th>
            <th scope="col" class="num">Size</th><th scope="col">Outcome</th><th scope="col">Reason</th><th scope="col">Trade</th>
          </tr></thead>
          <tbody>
            ${items.value.map((s) => html`
              <tr key=${s.id} data-signal=${s.id}>
                <td data-label="Received"><${NyTime} at=${s.receivedAt} /></td>
                <th scope="row" data-label="Symbol">${s.input.symbol}</th>
                <td data-label="Catalyst">${s.input.catalystType}, tier ${s.input.catalystTier}${s.input.strategy ? html`<div class="muted small">${s.input.strategy}</div>` : ''}</td>
                <td data-label="Stars"><${Stars} stars=${s.stars} /></td>
                <td class="num" data-label="Size">${dollars(s.size ? s.size.notional : null)}</td>
                <td data-label="Outcome"><${Outcome} status=${s.status} /></td>
                <td class="reason" data-label="Reason">${reasonOf(s)}${s.denial ? html` <code class="muted small">${s.denial.code}</code>` : ''}</td>
                <td data-label="Trade">${s.tradeId ? html`<a href=${`#/journal/${encodeURIComponent(s.tradeId)}`}>View trade</a>` : html`<span class="muted">—</span>`}</td>
              </tr>`)}
          </tbody>
        </table>
      </div>
      ${cursor.value
        ? html`<p><button type="button" onClick=${loadMore} disabled=${loadingMore.value}>${loadingMore.value ? 'Loading…' : 'Load more'}</button></p>`
        : html`<p class="muted small">That is every signal${filtered ? ' matching these filters' : ''}.</p>`}`}`;
}
