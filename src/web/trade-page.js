// One trade's page (#/journal/<id>): its provenance as a timeline, oldest first — the signal, each
// check's verdict, the size, every order and broker update Keel journaled, the exit rule that fired
// and the P&L. Reloads when the live stream reports a trade.
import { html } from './html.js';
import { useEffect } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { api } from './api.js';
import { changes } from './live.js';
import { signedMoney } from './format.js';
import { EXIT_LABELS, STATUS_LABELS, holdText, nyDateTime, pnlWord } from './journal-format.js';

const JOURNAL_LABELS = {
  signal: 'Signal', order_submitted: 'Order sent', order_outcome: 'Broker answered the order', trade_update: 'Broker update',
  warning: 'Warning', reconciliation_correction: 'Reconciliation', state_transition: 'State change',
};

export function TradePage({ id }) {
  const detail = useSignal(null);
  const error = useSignal(null);
  useEffect(() => {
    let gone = false;
    api('GET', `/api/trades/${encodeURIComponent(id)}`)
      .then((d) => { if (!gone) { detail.value = d; error.value = null; } })
      .catch((failure) => { if (!gone) error.value = failure.message; });
    return () => { gone = true; };
  }, [id, changes.value]);

  const back = html`<p><a href="#/journal">← All trades</a></p>`;
  if (error.value) return html`${back}<p class="error" role="alert">Could not load trade ${id}: ${error.value}</p>`;
  if (!detail.value) return html`${back}<p class="loading" role="status">Loading the trade…</p>`;
  const { trade: t, signal: s, verdicts, journal, holdSeconds } = detail.value;
  const pnl = signedMoney(t.pnl);
  return html`
    ${back}
    <section class="trade-head" aria-label="Trade">
      <h2>${t.symbol} · ${STATUS_LABELS[t.status] ?? t.status} · ${t.mode === 'live' ? 'LIVE' : 'PAPER'}</h2>
      <p class=${`pnl-big ${pnl.sign}`}>${t.pnl === null ? 'P&L not yet known' : html`${pnl.text} <span class="word">${pnlWord(pnl.sign)}</span>`}</p>
    </section>
    <h2 id="timeline-title">Timeline</h2>
    <ol class="timeline" aria-labelledby="timeline-title">
      ${s ? html`<${Step} title="Signal received" at=${s.receivedAt}>
          <p>${s.input.side} ${s.input.symbol} · catalyst ${s.input.catalystType} (tier ${s.input.catalystTier})
            ${s.stars !== null && html` · ${'★'.repeat(s.stars)} ${s.stars} stars`}${s.input.strategy && html` · strategy ${s.input.strategy}`}
            ${s.input.confidence !== null && html` · confidence ${s.input.confidence}`} · signal <code>${s.id}</code> · ${s.executionMode.replace('_', ' ')}</p>
        <//>`
        : html`<${Step} title="No signal" at=${t.createdAt}><p>This trade has no signal on record (Keel adopted it while reconciling with the broker).</p><//>`}
      ${verdicts.length > 0 && html`<${Step} title="Checks" at=${s?.decidedAt ?? null}>
          <${Verdicts} verdicts=${verdicts} />
        <//>`}
      ${s?.size && html`<${Step} title="Size" at=${null}>
          <p><strong class="num">$${s.size.notional}</strong> — ${Object.entries(s.size.inputs).filter(([, v]) => v !== null).map(([k, v]) => `${k} ${v}`).join(' · ')}</p>
        <//>`}
      ${journal.filter((e) => e.kind !== 'signal').map((e) => html`<${Step} title=${JOURNAL_LABELS[e.kind] ?? e.kind.replace(/_/g, ' ')} at=${e.at}>
          <p>${e.message}</p>
        <//>`)}
      ${t.exitReason && html`<${Step} title="Exit rule" at=${t.exitAt}>
          <p><strong>${EXIT_LABELS[t.exitReason] ?? t.exitReason}</strong>${t.exitPrice !== null && html` · sold at $${t.exitPrice}`}${t.peakPrice !== null && html` · peak $${t.peakPrice}`}</p>
        <//>`}
      <${Step} title="P&L" at=${t.exitAt}>
        <dl class="facts">
          <div><dt>P&L</dt><dd class=${`num ${pnl.sign}`}>${pnl.text} ${pnl.sign !== 'none' && html`<span class="word">${pnlWord(pnl.sign)}</span>`}</dd></div>
          <div><dt>P&L %</dt><dd class="num">${t.pnlPct === null ? '—' : `${Number(t.pnlPct) > 0 ? '+' : Number(t.pnlPct) < 0 ? '−' : ''}${Math.abs(Number(t.pnlPct)).toFixed(2)}%`}</dd></div>
          <div><dt>Shares</dt><dd class="num">${t.shares ?? '—'}</dd></div>
          <div><dt>Entry</dt><dd class="num">${t.entryPrice === null ? '—' : `$${t.entryPrice}`}</dd></div>
          <div><dt>Exit</dt><dd class="num">${t.exitPrice === null ? '—' : `$${t.exitPrice}`}</dd></div>
          <div><dt>Held</dt><dd class="num">${holdText(holdSeconds)}</dd></div>
        </dl>
      <//>
    </ol>`;
}

/** the denials in full; the passes folded behind their count (a fired trade passed every check) */
function Verdicts({ verdicts }) {
  const denied = verdicts.filter((v) => !v.passed);
  const passed = verdicts.length - denied.length;
  const item = (v) => html`<li class=${v.passed ? 'gain' : 'loss'}>${v.passed ? '✓ passed' : '✗ denied'} <span class="check">${v.check}</span>${v.denial && html`: ${v.denial.message}`}</li>`;
  return html`
    ${denied.length > 0 && html`<ul class="verdicts">${denied.map(item)}</ul>`}
    <details>
      <summary class=${denied.length === 0 ? 'gain' : ''}>✓ ${passed} of ${verdicts.length} checks passed</summary>
      <ul class="verdicts">${verdicts.filter((v) => v.passed).map(item)}</ul>
    </details>`;
}

function Step({ title, at, children }) {
  const when = at === null || at === undefined ? null : nyDateTime(at);
  return html`<li class="step">
    <div class="step-head"><h3>${title}</h3>${when && html`<time datetime=${new Date(at).toISOString()} title=${when.title}>${when.text}</time>`}</div>
    ${children}
  </li>`;
}
