// How numbers and times read on the page: money signed (+/−, never colour alone), New York time.
export function signedMoney(decimalString) {
  if (decimalString === null || decimalString === undefined) return { text: '—', sign: 'none' };
  const n = Number(decimalString);
  const abs = Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  if (n > 0) return { text: `+$${abs}`, sign: 'gain' };
  if (n < 0) return { text: `−$${abs}`, sign: 'loss' };
  return { text: `$${abs}`, sign: 'flat' };
}

const NY = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const LOCAL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** `{ text, title }`: New York time to read, the local time on hover */
export function nyTime(epochMs) {
  const d = new Date(epochMs);
  return { text: `${NY.format(d)} ET`, title: `${LOCAL.format(d)} (your time)` };
}

export const ACTION_LABELS = {
  start: 'Start',
  pause: 'Pause',
  resume: 'Resume',
  stop: 'Stop',
  'acknowledge-halt': 'Acknowledge halt',
};

export const EXECUTION_LABELS = { full_auto: 'Full auto', semi_auto: 'Semi auto', signal_only: 'Signal only' };
