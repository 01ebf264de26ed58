// The kill switch: a button on every view opening a modal that says what will happen, asks
// whether to close every position, and arms its confirm button only once the trader has typed STOP
// (a stray click or Enter cannot fire it). It then shows Keel's report — what was cancelled,
// closed and left, every problem — and the halted state; "Acknowledge halt" is the way back.
// The button is enabled before the status has arrived too (an emergency does not wait for the
// stream); only a read-only instance, which cannot act, disables it.
import { html } from './html.js';
import { useRef } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { api } from './api.js';

const CONFIRM_WORD = 'STOP';

const FLATTEN = {
  done: 'Every Keel position was closed.',
  queued_for_open: 'The market is closed: closing the positions is queued for the open (09:30 ET). Start stays refused until it has run or is cancelled.',
  not_requested: 'Positions were left open, as asked.',
  incomplete: 'Not every position could be closed: see what is left below.',
};

export function KillSwitch({ status, onStatus }) {
  const dialog = useRef(null);
  const closePositions = useSignal(false);
  const typed = useSignal('');
  const busy = useSignal(false);
  const error = useSignal(null);
  const report = useSignal(null);

  const open = () => {
    closePositions.value = false;
    typed.value = '';
    error.value = null;
    report.value = null;
    dialog.current.showModal();
  };
  const close = () => dialog.current.close();
  const armed = typed.value.trim() === CONFIRM_WORD && !busy.value;
  const fire = async (e) => {
    e.preventDefault();
    if (!armed) return;
    busy.value = true;
    error.value = null;
    try {
      report.value = await api('POST', '/api/bot/emergency-stop', { closePositions: closePositions.value });
      // closed (Escape) while Keel worked: the report is shown all the same
      if (!dialog.current.open) dialog.current.showModal();
      // the report names the state; the status (allowed actions) follows at once rather than at the next event
      if (status) onStatus({ state: report.value.state });
      api('GET', '/api/bot/status').then(onStatus, () => {});
    } catch (failure) {
      error.value = failure.message;
    } finally {
      busy.value = false;
    }
  };

  return html`
    <button type="button" class="danger kill" disabled=${!!(status && status.readOnly)} onClick=${open}>Kill switch</button>
    <dialog ref=${dialog} aria-labelledby="kill-title" class="kill-dialog" onCancel=${(e) => { if (busy.value) e.preventDefault(); }}>
      ${report.value
        ? html`<${Report} report=${report.value} onClose=${close} />`
        : html`
          <form onSubmit=${fire}>
            <h2 id="kill-title">Kill switch</h2>
            <p>Keel <strong>halts at once</strong> (no new orders), cancels every open order and waits for the broker to confirm.
              With “Close all positions” it also sells every position Keel opened; positions bought outside Keel are listed, never sold.
              The bot stays halted until you acknowledge the halt.</p>
            <label class="check"><input type="checkbox" checked=${closePositions.value}
              onChange=${(e) => { closePositions.value = e.currentTarget.checked; }} /> Close all positions</label>
            <label for="kill-confirm">Type ${CONFIRM_WORD} to confirm</label>
            <input id="kill-confirm" autocomplete="off" spellcheck=${false} value=${typed.value}
              onInput=${(e) => { typed.value = e.currentTarget.value; }} />
            ${error.value && html`<p class="error" role="alert">${error.value}</p>`}
            ${busy.value && html`<p class="muted" role="status">Halting, cancelling orders${closePositions.value ? ' and closing positions' : ''}…</p>`}
            <div class="row">
              <button type="button" onClick=${close} disabled=${busy.value}>Cancel</button>
              <button type="submit" class="danger" disabled=${!armed}>${closePositions.value ? 'Halt and close all positions' : 'Halt now'}</button>
            </div>
          </form>`}
    </dialog>`;
}

function Report({ report, onClose }) {
  const rows = [
    ['Orders cancelled', report.cancelled.length],
    ['Orders still open', report.stillOpen.length],
    ['Trades closed', report.closed.length],
    ['Trades still closing', report.closing.length],
    ['Exits that could not be sent', report.failed.length],
  ];
  const refused = report.cancelledOrders.filter((o) => o.error);
  return html`
    <div class="kill-report">
      <h2 id="kill-title">Kill switch report</h2>
      <p role="status">The bot is <strong data-state=${report.state}>${report.state}</strong>.
        ${report.state === 'halted' ? ' Press “Acknowledge halt”, then Start, to trade again.' : ''}</p>
      <table>
        <tbody>
          ${rows.map(([name, n]) => html`<tr><th scope="row">${name}</th><td class="num">${n}</td></tr>`)}
        </tbody>
      </table>
      ${refused.length > 0 && html`
        <ul class="error">${refused.map((o) => html`<li>order ${o.orderId}: the broker refused the cancel (${o.status}) — ${o.error}</li>`)}</ul>`}
      <p>${FLATTEN[report.flatten] ?? report.flatten}</p>
      ${report.failed.length > 0 && html`
        <ul class="error">${report.failed.map((f) => html`<li>trade ${f.tradeId}: ${f.error}</li>`)}</ul>`}
      <h3>Positions left</h3>
      ${report.left.length === 0
        ? html`<p class="muted">None: the account is flat.</p>`
        : html`
          <table>
            <thead><tr><th scope="col">Symbol</th><th scope="col" class="num">Shares</th><th scope="col">Owner</th></tr></thead>
            <tbody>${report.left.map((p) => html`
              <tr><td>${p.symbol}</td><td class="num">${p.qty}</td><td>${p.owner === 'keel' ? 'Keel' : 'outside Keel (never closed by it)'}</td></tr>`)}
            </tbody>
          </table>`}
      <h3>Problems</h3>
      ${report.problems.length === 0
        ? html`<p class="muted">None.</p>`
        : html`<ul class="error" role="alert">${report.problems.map((p) => html`<li>${p}</li>`)}</ul>`}
      <div class="row"><button type="button" onClick=${onClose}>Close</button></div>
    </div>`;
}
