/**
 * GET /api/events: the dashboard's one live stream (server-sent events). On connect: the events
 * missed since Last-Event-ID (or `reset` when they are no longer held), then a `status` snapshot;
 * after that every event as it happens and a `status` heartbeat every HEARTBEAT_MS of the injected
 * clock, so a quiet stream still proves it is alive and the status bar never goes stale.
 * A heartbeat carries the newest id already sent (it is a snapshot, not a new event), so resuming
 * after it replays nothing twice.
 */
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { Clock } from '../../ports/clock.port.js';
import type { EventHub, LiveEvent } from '../live/event-hub.js';

export const HEARTBEAT_MS = 5_000;
/** how soon a browser reconnects after a drop */
const RETRY_MS = 1_000;

export interface EventsDeps {
  hub: EventHub;
  clock: Clock;
  /** the current status as the page shows it */
  status: () => Promise<unknown>;
}

export function eventsRoutes(deps: EventsDeps): Hono {
  const routes = new Hono();
  routes.get('/', (c) => {
    const lastEventId = parseLastId(c.req.header('last-event-id'));
    return streamSSE(c, async (stream) => {
      const closed = new AbortController();
      stream.onAbort(() => closed.abort());
      const aborted = new Promise<void>((resolve) => closed.signal.addEventListener('abort', () => resolve(), { once: true }));
      let wake: () => void = () => {};
      const unsubscribe = deps.hub.subscribe(() => wake());
      try {
        // a block with no data field sets the retry delay without dispatching an event
        await stream.write(`retry: ${RETRY_MS}\n\n`);
        let sent = lastEventId ?? deps.hub.lastId();
        const missed = lastEventId === null ? [] : deps.hub.since(lastEventId);
        if (missed === 'reset') {
          sent = deps.hub.lastId();
          await stream.writeSSE({ event: 'reset', id: String(sent), data: '{}' });
        } else {
          sent = await writeAll(stream, deps.hub, missed, sent);
        }
        await writeStatus(stream, deps, sent);
        let beatAt = deps.clock.now() + HEARTBEAT_MS;
        while (!closed.signal.aborted) {
          const pending = deps.hub.since(sent);
          sent = pending === 'reset' ? deps.hub.lastId() : await writeAll(stream, deps.hub, pending, sent);
          const tick = new AbortController();
          const woken = new Promise<void>((resolve) => { wake = resolve; });
          await Promise.race([deps.clock.sleep(Math.max(0, beatAt - deps.clock.now()), tick.signal).catch(() => undefined), woken, aborted]);
          tick.abort();
          if (!closed.signal.aborted && deps.clock.now() >= beatAt) {
            await writeStatus(stream, deps, sent);
            beatAt = deps.clock.now() + HEARTBEAT_MS;
          }
        }
      } finally {
        unsubscribe();
      }
    });
  });
  return routes;
}

async function writeAll(stream: SSEStreamingApi, hub: EventHub, events: LiveEvent[], sent: number): Promise<number> {
  let last = sent;
  for (const event of events) {
    await stream.writeSSE({ event: event.type, id: String(event.id), data: hub.json(event) });
    last = event.id;
  }
  return last;
}

async function writeStatus(stream: SSEStreamingApi, deps: EventsDeps, sent: number): Promise<void> {
  let data: unknown;
  try {
    data = await deps.status();
  } catch {
    // a status that cannot be read now is skipped, not fatal to the stream: the next beat tries again
    return;
  }
  await stream.writeSSE({ event: 'status', id: String(sent), data: JSON.stringify(data) });
}

function parseLastId(header: string | undefined): number | null {
  if (header === undefined || !/^\d{1,15}$/.test(header.trim())) return null;
  return Number(header.trim());
}
