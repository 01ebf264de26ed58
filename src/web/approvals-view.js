// Approvals (semi-auto): the signals that passed every check and wait for the trader, reloaded
// whenever the live stream says a signal changed (never polled). Each shows its stars, size, every
// check's verdict and a countdown to its expiry; Approve re-runs the checks on a fresh price and
// fires, Reject drops it. What Keel answered (or its refusal) is shown. A browser notification for
// each new one is opt-in: "Notify me" asks the permission, nothing is asked unprompted
// (approval-notifier.js notifies on any view).
import { html } from './html.js';
import { useEffect, useRef } from 'preact/hooks';
import { signal, useSignal } from '@preact/signals';
import { api } from './api.js';
import { changes, status } from './live.js';
import { EXECUTION_LABELS } from './format.js';
import { pageNow } from './page-clock.js';
import { askPermission, currentPermission, permission } from './approval-notifier.js';
import { countdown, dollars, NyTime, OUTCOME_LABELS, reasonOf, Stars, Verdicts } from './signal-format.js';

/** the clock the countdowns read: ticks each second while the view is open (display only, no requests) */
const now = signal(pageNow());

export function ApprovalsView() {
  const items = useSignal(null);
  const error = useSignal(null);
  const busy = useSignal({});
  const results = useSignal([]);
  const expiredReloads = useRef(new Set());

  // one read at a time: events arriving meanwhile (a burst of signals) make ONE more read after it
  const reading = useRef(false);
  const dirty = useRef(false);
  const load = async () => {
    if (reading.current) {
      dirty.current = true;
      return;
    }
    reading.current = true;
    try {
      const page = await api('GET', '/api/signals?status=pending&limit=500');
      error.value = null;
      items.value = page.items;
    } catch (failure) {
      error.value = failure.message;
    } finally {
      reading.current = false;
      if (dirty.current) {
        dirty.current = false;
        load();
      }
    }
  };
  const tick = changes.value;
  useEffect(() => { load(); }, [tick]);
  // the trader may have changed it in the browser's settings meanwhile
  useEffect(() => { permission.value = currentPermission(); }, []);
  useEffect(() => {
    // at once: the value may be as old as this view's last visit
    now.value = pageNow();
    const timer = setInterval(() => { now.value = pageNow(); }, 1000);
    return () => clearInterval(timer);
  }, []);
  // the tick re-renders; the time itself is read now (a row that arrived between ticks counts from
  // its arrival, not from the last tick)
  const clock = Math.max(now.value, pageNow());
  // a countdown that reaches zero: Keel expires the signal (its sweep may lag a little); reload
  // once, a moment later, to show what became of it
  useEffect(() => {
    const due = (items.value ?? []).filter((s) => s.expiresAt !== null && s.expiresAt <= clock && !expiredReloads.current.has(s.id));
    if (due.length === 0) return;
    for (const s of due) expiredReloads.current.add(s.id);
    // not cleared by the next tick's effect (that would cancel it every second)
    setTimeout(load, 2000);
  }, [clock]);

  const decide = async (record, verb) => {
    busy.value = { ...busy.value, [record.id]: verb };
    try {
      const path = `/api/signals/${encodeURIComponent(record.id)}`;
      const answer = await api('POST', `${path}/${verb}`);
      let text = `${record.input.symbol}: ${answer.outcome === 'approved' ? 'approved — the entry order was sent' : OUTCOME_LABELS[answer.outcome] ?? answer.outcome}.`;
      if (answer.reason) {
        // the answer names the denial's code; the signal holds the sentence a trader reads
        const why = await api('GET', path).then(reasonOf, () => answer.reason);
        text = `${record.input.symbol}: ${OUTCOME_LABELS[answer.outcome] ?? answer.outcome} — ${why || answer.reason}.`;
      }
      results.value = [{ id: record.id, ok: answer.outcome === (verb === 'approve' ? 'approved' : 'rejected'), text }, ...results.value].slice(0, 5);
    } catch (failure) {
      results.value = [{ id: record.id, ok: false, text: `${record.input.symbol}: ${failure.message}` }, ...results.value].slice(0, 5);
    } finally {
      const { [record.id]: _, ...rest } = busy.value;
      busy.value = rest;
      load();
    }
  };

  return html`
    <div class="view-tools">
      <p class="muted">Execution mode: ${status.value ? EXECUTION_LABELS[status.value.executionMode] ?? status.value.executionMode : '…'}</p>
      <${NotifyButton} state=${permission.value} onAsk=${askPermission} />
    </div>
    ${results.value.length > 0 && html`
      <ul class="results" role="status" aria-label="Decisions">
        ${results.value.map((r) => html`<li class=${r.ok ? 'gain' : 'loss'}>${r.text}</li>`)}
      </ul>`}
    ${error.value && html`<p class="error" role="alert">Could not load the pending signals: ${error.value}</p>`}
    ${items.value === null && !error.value && html`<p class="loading" role="status">Loading pending signals…</p>`}
    ${items.value !== null && items.value.length === 0 && html`<div class="empty">${emptyText(status.value)}</div>`}
    ${items.value !== null && items.value.length > 0 && html`
      <div class="table-wrap stack">
        <table>
          <caption class="visually-hidden">Signals waiting for approval</caption>
          <thead><tr>
            <th scope="col">Symbol</th><th scope="col">Received</th><th scope="col">Stars</th><th scope="col" class="num">Size</th>
            <th scope="col">Checks</th><th scope="col" class="num">Expires in</th><th scope="col">Decision</th>
          </tr></thead>
          <tbody>
            ${items.value.map((s) => {
              const left = s.expiresAt === null ? null : countdown(s.expiresAt, clock);
              const expired = s.expiresAt !== null && left === null;
              const pending = busy.value[s.id];
              return html`
                <tr key=${s.id}>
                  <th scope="row" data-label="Symbol">${s.input.symbol}<div class="muted small">${s.input.catalystType}, tier ${s.input.catalystTier}</div></th>
                  <td data-label="Received"><${NyTime} at=${s.receivedAt} /></td>
                  <td data-label="Stars"><${Stars} stars=${s.stars} /></td>
                  <td class="num" data-label="Size">${dollars(s.size ? s.size.notional : null)}</td>
                  <td data-label="Checks"><${Verdicts} verdicts=${s.verdicts} /></td>
                  <td class="num" data-label="Expires in">${expired ? html`<span class="warn">expired</span>` : left === null ? '—' : html`<span title="time left to approve">${left}</span>`}</td>
                  <td class="actions" data-label="Decision">
                    <button type="button" aria-label=${`Approve ${s.input.symbol}`} disabled=${!!pending || expired} onClick=${() => decide(s, 'approve')}>${pending === 'approve' ? 'Approving…' : 'Approve'}</button>
                    <button type="button" class="danger" aria-label=${`Reject ${s.input.symbol}`} disabled=${!!pending || expired} onClick=${() => decide(s, 'reject')}>${pending === 'reject' ? 'Rejecting…' : 'Reject'}</button>
                  </td>
                </tr>`;
            })}
          </tbody>
        </table>
      </div>`}`;
}

function NotifyButton({ state, onAsk }) {
  if (state === 'unsupported') return html`<p class="muted">This browser cannot show notifications.</p>`;
  if (state === 'granted') return html`<p class="muted" role="status">Notifications on: a new signal to approve notifies you.</p>`;
  if (state === 'denied') return html`<p class="muted">Notifications are blocked for this page in the browser's settings.</p>`;
  return html`<button type="button" onClick=${onAsk}>Notify me</button>`;
}

function emptyText(s) {
  if (s && s.executionMode !== 'semi_auto') {
    return `Nothing waits for approval: Keel is in ${EXECUTION_LABELS[s.executionMode] ?? s.executionMode} mode. Switch the execution mode to Semi auto in Settings (or PATCH /api/bot/config) to approve each entry here.`;
  }
  return 'Nothing waits for approval. Signals that pass every check wait here for you — post one to POST /api/signals.';
}
