/**
 * /api/inspector: the machines as they are and as they run.
 *  - GET /machines: each machine's graph (states, nesting, transitions) with its layout, computed
 *    once on the server: the page only draws.
 *  - GET /actors: the live state-machine actors with their current state (the bot first), and the
 *    sequence number they are current at, so a page can open the stream right after it.
 *  - GET /events: the inspector's normalised events as server-sent events (`step`), each with its
 *    sequence number as the SSE id. Resumes after `Last-Event-ID`, or after `?since=<seq>` on a
 *    first connect; without either it starts at the present. When some of the events asked for
 *    have left the ring (or the id belongs to an earlier process), a `gap` event says which ones
 *    before the held ones follow, so a client never misses events without being told.
 *    A comment line every HEARTBEAT_MS of the injected clock keeps quiet connections open.
 */
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { z } from 'zod';
import type { Clock } from '../../ports/clock.port.js';
import type { MachineGraph } from '../../service/inspector/graph-layout.js';
import type { Inspector } from '../../service/inspector/inspector.js';
import { parseQuery } from './pipeline-params.js';

export const INSPECTOR_HEARTBEAT_MS = 15_000;
const RETRY_MS = 1_000;

export interface InspectorRoutesDeps {
  inspector: Pick<Inspector, 'actors' | 'since' | 'lastSeq' | 'firstSeq' | 'json' | 'events$'>;
  /** the graphs, laid out once */
  machines: () => Promise<MachineGraph[]>;
  clock: Clock;
}

export const inspectorEventsQuerySchema = z.strictObject({
  since: z.string().regex(/^\d{1,15}$/, 'must be a sequence number (a non-negative integer)').transform(Number).optional()
    .meta({ description: 'resume after this sequence number (a `Last-Event-ID` header wins over it)' }),
});

export function inspectorRoutes(deps: InspectorRoutesDeps): Hono {
  const routes = new Hono();
  routes.get('/machines', async (c) => c.json({ items: await deps.machines() }));
  routes.get('/actors', (c) => {
    // read the sequence number first: an event recorded between the two reads is then replayed, never skipped
    const lastSeq = deps.inspector.lastSeq();
    return c.json({ items: deps.inspector.actors(), lastSeq });
  });
  routes.get('/events', (c) => {
    const { since } = parseQuery(c, inspectorEventsQuerySchema);
    const header = parseSeq(c.req.header('last-event-id'));
    const resumeAfter = header ?? since ?? null;
    return streamSSE(c, async (stream) => {
      const closed = new AbortController();
      stream.onAbort(() => closed.abort());
      const aborted = new Promise<void>((resolve) => closed.signal.addEventListener('abort', () => resolve(), { once: true }));
      let wake: () => void = () => {};
      const subscription = deps.inspector.events$.subscribe(() => wake());
      try {
        await stream.write(`retry: ${RETRY_MS}\n\n`);
        let sent = resumeAfter ?? deps.inspector.lastSeq();
        let beatAt = deps.clock.now() + INSPECTOR_HEARTBEAT_MS;
        while (!closed.signal.aborted) {
          // armed before reading, so an event recorded while this writes wakes the next turn
          const woken = new Promise<void>((resolve) => { wake = resolve; });
          sent = await writePending(stream, deps.inspector, sent);
          const tick = new AbortController();
          await Promise.race([deps.clock.sleep(Math.max(0, beatAt - deps.clock.now()), tick.signal).catch(() => undefined), woken, aborted]);
          tick.abort();
          if (!closed.signal.aborted && deps.clock.now() >= beatAt) {
            await stream.write(': heartbeat\n\n');
            beatAt = deps.clock.now() + INSPECTOR_HEARTBEAT_MS;
          }
        }
      } finally {
        subscription.unsubscribe();
      }
    });
  });
  return routes;
}

/** writes what came after `sent` (a `gap` first when some of it is gone); answers the newest sequence number written */
async function writePending(stream: SSEStreamingApi, inspector: InspectorRoutesDeps['inspector'], sent: number): Promise<number> {
  let pending = inspector.since(sent);
  if (pending === 'gap') {
    // missed: what followed `sent` and is no longer held (for an id from an earlier process: all of it)
    const first = inspector.firstSeq();
    await stream.writeSSE({ event: 'gap', data: JSON.stringify({ after: sent, resumedFrom: first }) });
    const held = inspector.since(first - 1);
    pending = held === 'gap' ? [] : held;
    if (pending.length === 0) return inspector.lastSeq();
  }
  let last = sent;
  for (const event of pending) {
    await stream.writeSSE({ event: 'step', id: String(event.seq), data: inspector.json(event) });
    last = event.seq;
  }
  return last;
}

function parseSeq(header: string | undefined): number | null {
  if (header === undefined || !/^\d{1,15}$/.test(header.trim())) return null;
  return Number(header.trim());
}
