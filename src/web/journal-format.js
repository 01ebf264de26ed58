// Dates and labels of the Journal view: New York time to read (the local time on hover), a picked
// day as New York's midnight, and words for the codes the API answers with.
const NY = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const LOCAL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const OFFSET = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'longOffset' });

/** `{ text, title }`: the date and time in New York, the local time on hover */
export function nyDateTime(epochMs) {
  if (epochMs === null || epochMs === undefined) return { text: '—', title: undefined };
  const d = new Date(epochMs);
  return { text: `${NY.format(d)} ET`, title: `${LOCAL.format(d)} (your time)` };
}

/** 'YYYY-MM-DD' → RFC 3339 of that day's start (or its last millisecond) in New York. The clocks
 *  change at 02:00, so the start takes the offset of 05:00 UTC (00:00 or 01:00 there, before any
 *  change) and the end that of 12:00 UTC (after it). */
export function nyDayBound(day, end) {
  const probe = new Date(`${day}T${end ? '12' : '05'}:00:00Z`);
  const offset = (OFFSET.formatToParts(probe).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT-05:00').replace('GMT', '') || '+00:00';
  return `${day}T${end ? '23:59:59.999' : '00:00:00'}${offset}`;
}

export const STATUS_LABELS = { pending_entry: 'pending entry', open: 'open', exiting: 'exiting', closed: 'closed', cancelled: 'cancelled', missed: 'missed' };
export const EXIT_LABELS = {
  hard_stop: 'hard stop', profit_target: 'profit target', trailing_stop: 'trailing stop', time_exit: 'max hold time',
  force_close_eod: 'end-of-day close', kill_switch: 'kill switch', manual: 'manual',
  reconciled_missing_on_startup: 'missing at startup', reconciled_closed_at_broker: 'closed at the broker',
};

/** P&L with its sign and a word, so it never reads by colour alone */
export function pnlWord(sign) {
  return sign === 'gain' ? '▲ gain' : sign === 'loss' ? '▼ loss' : sign === 'flat' ? 'flat' : '';
}

export function holdText(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${s} s`;
}

export function decimalText(value, digits) {
  if (value === null || value === undefined) return '—';
  const n = Number(value);
  return digits === undefined ? String(value) : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
