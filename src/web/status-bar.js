// The status bar on every view: what the bot is doing and whether the page is still hearing it.
import { html } from './html.js';
import { EXECUTION_LABELS, signedMoney } from './format.js';

export function StatusBar({ status, connection }) {
  const live = connection === 'live';
  const link = html`<p class=${`connection ${live ? 'ok' : 'warn'}`} role="status">${live ? 'Live' : connection === 'reconnecting' ? 'reconnecting…' : 'connecting…'}</p>`;
  if (!status) return html`<section class="status-bar" aria-label="Status">${link}</section>`;
  const pnl = signedMoney(status.todayRealizedPnl);
  const mode = status.mode === 'live' ? 'LIVE' : 'PAPER';
  return html`
    <section class="status-bar" aria-label="Status">
      <span class=${`badge ${status.mode === 'live' ? 'badge-live' : 'badge-paper'}`} title=${mode === 'LIVE' ? 'Real money' : 'Paper trading: no real money'}>${mode}</span>
      <dl>
        <div><dt>State</dt><dd data-state=${status.state}>${status.state}${status.starting ? ' (starting)' : ''}</dd></div>
        <div><dt>Execution</dt><dd>${EXECUTION_LABELS[status.executionMode] ?? status.executionMode}</dd></div>
        <div><dt>Market</dt><dd>${status.marketOpen === null ? 'unknown' : status.marketOpen ? 'open' : 'closed'}</dd></div>
        <div><dt>Breaker</dt><dd class=${status.breaker === 'none' ? '' : 'warn'}>${status.breaker}</dd></div>
        <div><dt>Realized P&L today</dt><dd class=${`num ${pnl.sign}`}>${pnl.text}</dd></div>
        <div><dt>Trades today</dt><dd class="num">${status.todayTradeCount}</dd></div>
        <div><dt>Open positions</dt><dd class="num">${status.openPositionCount}</dd></div>
      </dl>
      ${link}
      ${status.readOnly && html`<p class="notice" role="note">Read-only: another Keel instance is trading on this database. Nothing can be changed here.</p>`}
    </section>`;
}
