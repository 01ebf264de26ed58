// The one live stream (GET /api/events). The browser's EventSource reconnects by itself and sends
// Last-Event-ID, so Keel replays what was missed; `reset` means too much was missed and the views
// reload. `connection` is what the page shows: 'connecting', 'live' or 'reconnecting'.
import { signal } from '@preact/signals';

export const status = signal(null);
export const connection = signal('connecting');
/** bumped on `reset` and on every signal/trade event: views reload what they show */
export const changes = signal(0);
/** the newest `signal` event's data: `{ signalId, outcome, tradeId }` */
export const signalEvent = signal(null);
/** the newest live row of each open position (the `positions` event), by trade id */
export const livePositions = signal({});

let source = null;

let retry = null;

/** `onClosed`: Keel refused the stream (a lapsed session answers 401); the caller finds out why */
export function connect(onClosed) {
  disconnect();
  connection.value = 'connecting';
  source = new EventSource('/api/events');
  source.addEventListener('open', () => { connection.value = 'live'; });
  source.addEventListener('status', (e) => { status.value = JSON.parse(e.data); connection.value = 'live'; });
  for (const type of ['signal', 'trade', 'reset']) source.addEventListener(type, () => { changes.value += 1; });
  source.addEventListener('signal', (e) => { signalEvent.value = JSON.parse(e.data); });
  // merged, not replaced: events replayed after a drop arrive together and each names only the positions that moved
  source.addEventListener('positions', (e) => {
    const next = { ...livePositions.value };
    for (const row of JSON.parse(e.data).items) next[row.id] = row;
    livePositions.value = next;
  });
  source.addEventListener('trade', (e) => {
    const { tradeId, change } = JSON.parse(e.data);
    if (change !== 'opened' && tradeId in livePositions.value) {
      const { [tradeId]: _gone, ...rest } = livePositions.value;
      livePositions.value = rest;
    }
  });
  source.addEventListener('error', () => {
    // CLOSED: Keel answered with an error instead of the stream; EventSource will not retry by itself
    if (source && source.readyState === EventSource.CLOSED) {
      source.close();
      source = null;
      connection.value = 'reconnecting';
      onClosed();
      return;
    }
    connection.value = 'reconnecting';
  });
}

/** a new try in 5 s (never faster: the page does not hammer a Keel that is struggling) */
export function reconnectLater(onClosed) {
  clearTimeout(retry);
  retry = setTimeout(() => connect(onClosed), 5000);
}

export function disconnect() {
  clearTimeout(retry);
  if (source) source.close();
  source = null;
  status.value = null;
  connection.value = 'connecting';
}
