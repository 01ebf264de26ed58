// The opt-in browser notification for a signal that starts waiting for approval, whichever view is
// open: it follows the live stream's `signal` events, never asks for permission by itself (only
// the "Notify me" button does), and notifies each signal once.
import { effect, signal } from '@preact/signals';
import { api } from './api.js';
import { signalEvent } from './live.js';
import { dollars } from './signal-format.js';

/** 'default' | 'granted' | 'denied' as the browser says, or 'unsupported' */
export const permission = signal(currentPermission());

export function currentPermission() {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** only ever called from the trader's click */
export async function askPermission() {
  permission.value = await Notification.requestPermission();
}

const notified = new Set();

effect(() => {
  const event = signalEvent.value;
  if (!event || event.outcome !== 'pending' || notified.has(event.signalId)) return;
  notified.add(event.signalId);
  if (permission.peek() !== 'granted') return;
  api('GET', `/api/signals/${encodeURIComponent(event.signalId)}`).then((s) => {
    if (s.status !== 'pending') return;
    const size = s.size ? ` for ${dollars(s.size.notional)}` : '';
    new Notification(`Keel: ${s.input.symbol} waits for approval`, { body: `${s.stars ?? '?'} stars${size}`, tag: `keel-approval-${s.id}` });
  }, () => {
    // a notification is a courtesy: the Approvals view shows the signal (or the API's error) anyway
  });
});
