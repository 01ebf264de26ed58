/**
 * The dashboard's live events: every event gets the next id and goes into a bounded ring, so a
 * browser that lost its stream resumes (Last-Event-ID) with exactly what it missed; one whose
 * last id has left the ring (or belongs to an earlier process: ids restart at 1) is told to reload
 * its views instead of being handed a gap. The ring is bounded by count AND by the size of what it
 * holds (200 positions moving every second make 30 KB events: 500 of them would be 15 MB), so
 * memory stays bounded whatever is published; a resume past what was dropped gets the reset.
 */
export type LiveEventType = 'status' | 'signal' | 'trade' | 'positions';

export interface LiveEvent {
  id: number;
  type: LiveEventType;
  data: unknown;
}

export interface EventHub {
  publish(type: LiveEventType, data: unknown): LiveEvent;
  /** the events after `lastId`, oldest first; 'reset' when some of them are no longer held */
  since(lastId: number): LiveEvent[] | 'reset';
  /** the newest id handed out (0 before the first event) */
  lastId(): number;
  /** the event's data as JSON, serialized once at publish (every stream writes the same text) */
  json(event: LiveEvent): string;
  /** called after every publish; answers the unsubscribe */
  subscribe(listener: () => void): () => void;
}

export const DEFAULT_RING_SIZE = 500;
/** the JSON the ring may hold, in UTF-16 code units (about bytes for this ASCII data) */
export const DEFAULT_RING_CHARS = 2_000_000;

export function createEventHub(capacity = DEFAULT_RING_SIZE, maxChars = DEFAULT_RING_CHARS): EventHub {
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`event ring capacity must be a positive integer, got ${capacity}`);
  const ring: LiveEvent[] = [];
  const sizes: number[] = [];
  const serialized = new WeakMap<LiveEvent, string>();
  let held = 0;
  const listeners = new Set<() => void>();
  let next = 1;
  return {
    publish(type, data) {
      const event = { id: next++, type, data };
      const text = JSON.stringify(data ?? null);
      serialized.set(event, text);
      const size = text.length;
      ring.push(event);
      sizes.push(size);
      held += size;
      // the newest event always stays: a resume must be able to reach the present
      while (ring.length > 1 && (ring.length > capacity || held > maxChars)) {
        ring.shift();
        held -= sizes.shift()!;
      }
      for (const listener of [...listeners]) listener();
      return event;
    },
    since(lastId) {
      const newest = next - 1;
      if (lastId > newest) return 'reset';
      if (lastId === newest) return [];
      const oldest = ring[0]?.id ?? next;
      // the first event the caller needs is lastId + 1: it must still be in the ring
      if (lastId + 1 < oldest) return 'reset';
      return ring.slice(lastId + 1 - oldest);
    },
    lastId: () => next - 1,
    json: (event) => serialized.get(event) ?? JSON.stringify(event.data ?? null),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
