// The Performance view: one mode's statistics over a range of New York days (GET /api/performance
// and /api/performance/daily). With no dates or mode picked yet it asks for Keel's defaults (the
// 30 ET days ending today, the bot's current mode) and the pickers then show what Keel answered.
// A refused range shows Keel's message beside the pickers. Reloads when the live stream reports a
// trade.
import { html } from './html.js';
import { useEffect, useRef } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { api } from './api.js';
import { changes } from './live.js';
import { BreakdownTable, SummaryCards } from './performance-cards.js';
import { DailyBars, EquityChart, WinRateBars } from './performance-charts.js';
import { DIMENSIONS } from './performance-format.js';

const NONE = { from: '', to: '', mode: '' };

function queryOf(range) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(range)) if (value !== '') q.set(key, value);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

export function Performance() {
  const form = useSignal(NONE);
  const applied = useSignal(NONE);
  const report = useSignal(null);
  const daily = useSignal(null);
  const error = useSignal(null);
  const loading = useSignal(true);
  const dimension = useSignal('strategy');

  // a newer request supersedes every answer still on its way
  const generation = useRef(0);
  useEffect(() => {
    const mine = ++generation.current;
    loading.value = true;
    const query = queryOf(applied.value);
    Promise.all([api('GET', `/api/performance${query}`), api('GET', `/api/performance/daily${query}`)]).then(([r, d]) => {
      if (mine !== generation.current) return;
      report.value = r;
      daily.value = d;
      error.value = null;
      loading.value = false;
      // what Keel chose for the pickers left empty; what the trader typed stays
      const f = form.value;
      form.value = { from: f.from || r.from, to: f.to || r.to, mode: f.mode || r.mode };
    }, (failure) => {
      if (mine !== generation.current) return;
      loading.value = false;
      // Keel's message usually names every problem already; add those it does not
      const unsaid = (failure.issues ?? []).filter((i) => !failure.message.includes(i.message));
      error.value = unsaid.length ? `${failure.message}: ${unsaid.map((i) => `${i.path} ${i.message}`).join('; ')}` : failure.message;
    });
  }, [applied.value, changes.value]);

  const set = (key) => (e) => { form.value = { ...form.value, [key]: e.currentTarget.value }; };
  const r = report.value;
  return html`
    <form class="filters" aria-label="Range and mode" onSubmit=${(e) => { e.preventDefault(); applied.value = { ...form.value }; }}>
      <div class="filter">
        <label for="p-from">From (ET day)</label>
        <input id="p-from" type="date" value=${form.value.from} onInput=${set('from')} aria-describedby="p-error" />
      </div>
      <div class="filter">
        <label for="p-to">To (ET day)</label>
        <input id="p-to" type="date" value=${form.value.to} onInput=${set('to')} aria-describedby="p-error" />
      </div>
      <div class="filter">
        <label for="p-mode">Mode</label>
        <select id="p-mode" onChange=${set('mode')}>
          ${form.value.mode === '' && html`<option value="" selected>current</option>`}
          <option value="paper" selected=${form.value.mode === 'paper'}>paper</option>
          <option value="live" selected=${form.value.mode === 'live'}>live</option>
        </select>
      </div>
      <div class="filter actions"><button type="submit" aria-busy=${loading.value ? 'true' : undefined}>Show</button></div>
      <p id="p-error" class="error" role="alert">${error.value && `Keel refused: ${error.value}`}</p>
    </form>
    ${!r && !error.value && html`<p class="loading" role="status">Loading performance…</p>`}
    ${r && !error.value && html`<${Report} report=${r} days=${daily.value.days} dimension=${dimension} loading=${loading.value} />`}`;
}

function Report({ report, days, dimension, loading }) {
  const { summary, equityCurve, breakdowns } = report;
  const mode = report.mode === 'live' ? 'live' : 'paper';
  if (summary.trades === 0 && equityCurve.length === 0 && days.length === 0) {
    return html`<div class="empty">No closed trades in this range (${mode}, ${report.from} to ${report.to}) — post a signal (POST /api/signals) or run the bot on the simulated exchange, and the figures appear here once trades close. Try a wider range or the other mode.</div>`;
  }
  return html`
    <div class="performance" aria-busy=${loading ? 'true' : undefined}>
      <p class="muted range">${mode === 'live' ? 'Live' : 'Paper'} trading, ${report.from} to ${report.to} (New York days).</p>
      <${SummaryCards} summary=${summary} curveLength=${equityCurve.length} />
      <section aria-label="Charts" class="charts">
        ${equityCurve.length > 0 ? html`<${EquityChart} curve=${equityCurve} />` : html`<p class="muted">No equity snapshot in this range: no equity curve.</p>`}
        ${days.length > 0 && html`<${DailyBars} days=${days} />`}
        ${breakdowns.strategy.length > 0 && html`<${WinRateBars} rows=${breakdowns.strategy} />`}
      </section>
      <section aria-labelledby="breakdown-heading">
        <div class="breakdown-head">
          <h2 id="breakdown-heading">Breakdown</h2>
          <div class="filter">
            <label for="p-dimension">Group by</label>
            <select id="p-dimension" onChange=${(e) => { dimension.value = e.currentTarget.value; }}>
              ${Object.entries(DIMENSIONS).map(([value, text]) => html`<option value=${value} selected=${dimension.value === value}>${text}</option>`)}
            </select>
          </div>
        </div>
        <${BreakdownTable} dimension=${dimension.value} rows=${breakdowns[dimension.value]} />
      </section>
    </div>`;
}
