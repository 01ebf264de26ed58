// The status bar on every view: what the bot is doing, why, what the account is worth, when the
// market opens or closes and when today's force close comes, whether the broker streams and the
// page's own stream are up. The countdowns tick with the page's clock (no server call per second):
// the times come with each status Keel sends (the stream repeats it every 5 s).
import { html } from './html.js';
import { useEffect } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { EXECUTION_LABELS, nyTime, signedMoney } from './format.js';
import { pageNow } from './page-clock.js';

const STREAM_TEXT = { live: 'live', reconnecting: 'reconnecting', down: 'down', off: 'off' };
const STREAM_MARK = { live: '●', reconnecting: '◌', down: '✕', off: '○' };

export function StatusBar({ status, connection }) {
  const now = useSignal(pageNow());
  useEffect(() => {
    const timer = setInterval(() => { now.value = pageNow(); }, 1000);
    return () => clearInterval(timer);
  }, []);
  const live = connection === 'live';
  const link = html`<p class=${`connection ${live ? 'ok' : 'warn'}`} role="status">${live ? 'Live' : connection === 'reconnecting' ? 'reconnecting…' : 'connecting…'}</p>`;
  if (!status) return html`<section class="status-bar" aria-label="Status">${link}</section>`;
  const realized = signedMoney(status.todayRealizedPnl);
  const unrealized = signedMoney(status.account?.unrealizedPnl);
  const mode = status.mode === 'live' ? 'LIVE' : 'PAPER';
  const market = status.market ?? { open: status.marketOpen, nextOpen: null, nextClose: null };
  return html`
    <section class="status-bar" aria-label="Status">
      <span class=${`badge ${status.mode === 'live' ? 'badge-live' : 'badge-paper'}`} title=${mode === 'LIVE' ? 'Real money' : 'Paper trading: no real money'}>${mode}</span>
      <dl>
        <div><dt>State</dt><dd data-state=${status.state}>${status.state}${status.starting ? ' (starting)' : ''}</dd></div>
        <div><dt>Execution</dt><dd>${EXECUTION_LABELS[status.executionMode] ?? status.executionMode}</dd></div>
        <div><dt>Market</dt><dd><${MarketClock} market=${market} now=${now.value} /></dd></div>
        ${status.forceCloseAt != null && html`<div><dt>Force close</dt><dd><${Countdown} at=${status.forceCloseAt} now=${now.value} due="closing positions" /></dd></div>`}
        <div><dt>Breaker</dt><dd class=${status.breaker === 'none' ? '' : 'warn'}>${status.breaker}</dd></div>
        <div><dt>Equity</dt><dd class="num" title=${status.account ? `as of ${nyTime(status.account.asOf).text}` : 'not read from the broker yet'}>${dollars(status.account?.equity)}</dd></div>
        <div><dt>Unrealized P&L</dt><dd class=${`num ${unrealized.sign}`}>${unrealized.text}</dd></div>
        <div><dt>Realized P&L today</dt><dd class=${`num ${realized.sign}`}>${realized.text}</dd></div>
        <div><dt>Trades today</dt><dd class="num">${status.todayTradeCount}</dd></div>
        <div><dt>Open positions</dt><dd class="num">${status.openPositionCount}</dd></div>
        ${status.streams && html`
          <div><dt>Trade stream</dt><dd><${StreamBadge} health=${status.streams.tradeUpdates} /></dd></div>
          <div><dt>Data stream</dt><dd><${StreamBadge} health=${status.streams.marketData} /></dd></div>`}
      </dl>
      ${link}
      <${StateReason} status=${status} />
      ${status.readOnly && html`<p class="notice" role="note">Read-only: another Keel instance is trading on this database. Nothing can be changed here.</p>`}
    </section>`;
}

/** "open · closes in 5:12:03" / "closed · opens in 2d 3h 04m"; the New York time on hover */
function MarketClock({ market, now }) {
  if (market.open === null || market.open === undefined) return html`<span title="the broker's clock could not be read">unknown</span>`;
  const next = market.open ? market.nextClose : market.nextOpen;
  const word = market.open ? 'open' : 'closed';
  if (next === null || next === undefined) return word;
  return html`${word} · <${Countdown} at=${next} now=${now} label=${market.open ? 'closes' : 'opens'} due=${market.open ? 'closing' : 'opening'} />`;
}

function Countdown({ at, now, label = '', due }) {
  const left = Math.round((at - now) / 1000);
  const time = nyTime(at);
  const text = left <= 0 ? due : `${label ? `${label} ` : ''}in ${duration(left)}`;
  return html`<time class="countdown" datetime=${new Date(at).toISOString()} title=${`${time.text} — ${time.title}`}>${text}</time>`;
}

/** 4:05 · 1:04:05 · 2d 3h 04m: the seconds matter only within the day */
function duration(seconds) {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const two = (n) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${h}h ${two(m)}m`;
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/** the health as a word with a mark: never colour alone */
function StreamBadge({ health }) {
  return html`<span class=${`stream stream-${health}`}><span aria-hidden="true">${STREAM_MARK[health] ?? '?'} </span>${STREAM_TEXT[health] ?? health}</span>`;
}

/** "paused — WIN_RATE_BELOW_MIN: win rate 30% over the last 10 trades" (since when on hover) */
function StateReason({ status }) {
  const reason = status.stateReason;
  if (!reason) return null;
  const who = reason.code === 'manual' ? 'by the trader' : reason.code;
  const since = reason.since == null ? null : nyTime(reason.since);
  return html`<p class=${`state-reason ${status.state === 'running' ? '' : 'warn'}`} title=${since ? `since ${since.text} — ${since.title}` : ''}>
    ${status.state} — ${who}${reason.detail ? `: ${reason.detail}` : ''}</p>`;
}

function dollars(value) {
  if (value === null || value === undefined) return '—';
  return `$${Number(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
