// How a signal reads in the Approvals and Signals views: stars as text a screen reader says too,
// sizes as dollars, dates in New York time (the local time on hover), outcomes in words.
import { html } from './html.js';

const NY_DATE_TIME = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const LOCAL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** a `<time>` in New York time with the reader's own local time in its title */
export function NyTime({ at }) {
  if (at === null || at === undefined) return html`<span class="muted">—</span>`;
  const d = new Date(at);
  return html`<time datetime=${d.toISOString()} title=${`${LOCAL.format(d)} (your time)`}>${NY_DATE_TIME.format(d)} ET</time>`;
}

export function Stars({ stars }) {
  if (stars === null || stars === undefined) return html`<span class="muted" title="not rated">—</span>`;
  return html`<span class="stars" role="img" aria-label=${`${stars} of 5 stars`} title=${`${stars} of 5 stars`}>${'★'.repeat(stars)}${'☆'.repeat(5 - stars)}</span>`;
}

/** an unsigned dollar amount from a decimal string */
export function dollars(decimalString) {
  if (decimalString === null || decimalString === undefined) return '—';
  return `$${Number(decimalString).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export const OUTCOME_LABELS = {
  received: 'received',
  logged: 'logged (signal only)',
  fired: 'fired',
  skipped: 'skipped',
  skipped_duplicate: 'skipped (duplicate)',
  pending: 'waiting for approval',
  approved: 'approved',
  rejected: 'rejected',
  expired: 'expired',
};

/** outcomes that opened (or tried to open) a position read as gains; denials as warnings */
const OUTCOME_TONES = { fired: 'gain', approved: 'gain', skipped: 'warn', skipped_duplicate: 'warn', rejected: 'loss', expired: 'muted' };

export function Outcome({ status }) {
  return html`<span class=${`outcome ${OUTCOME_TONES[status] ?? ''}`}>${OUTCOME_LABELS[status] ?? status}</span>`;
}

/** why a signal did not trade: the denial's own sentence, else the note (a trader's rejection note, the broker's message) */
export function reasonOf(record) {
  if (record.denial) return record.denial.message;
  return record.note ?? '';
}

/** `market-open` → `market open` */
export function checkName(check) {
  return check.replace(/[-_]/g, ' ');
}

/** every check's verdict: the count at a glance, each one (with a denial's message) on demand */
export function Verdicts({ verdicts }) {
  if (!verdicts || verdicts.length === 0) return html`<span class="muted">no checks ran</span>`;
  const failed = verdicts.filter((v) => !v.passed);
  return html`
    <details class="verdicts">
      <summary>${failed.length === 0 ? `all ${verdicts.length} checks passed` : `${failed.length} of ${verdicts.length} checks failed`}</summary>
      <ul>
        ${verdicts.map((v) => html`
          <li class=${v.passed ? 'gain' : 'loss'}>
            <span aria-hidden="true">${v.passed ? '✓ ' : '✗ '}</span>${checkName(v.check)}: ${v.passed ? 'passed' : `failed — ${v.denial ? v.denial.message : 'denied'}`}
          </li>`)}
      </ul>
    </details>`;
}

/** "4:05" (minutes:seconds) until `at`, "1:02:03" past an hour; null once it has passed */
export function countdown(at, now) {
  const left = Math.ceil((at - now) / 1000);
  if (left <= 0) return null;
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = String(left % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
