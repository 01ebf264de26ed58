/**
 * A server-sent-events reader over fetch for tests: collects every event block (event, id, data)
 * as it arrives; a block without data or event (a retry line) dispatches nothing, as in a browser.
 */
export interface SseEvent { event: string; id: string | null; data: string }

/** reads an SSE response into `events` as they arrive */
export async function openSseStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const events: SseEvent[] = [];
  const reading = (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string) => block.split('\n').filter((l) => l.startsWith(`${name}:`)).map((l) => l.slice(name.length + 1).trimStart());
        if (field('data').length === 0 && field('event').length === 0) continue;
        events.push({ event: field('event')[0] ?? 'message', id: field('id')[0] ?? null, data: field('data').join('\n') });
      }
    }
  })();
  return {
    res,
    events,
    named: (type: string) => events.filter((e) => e.event === type),
    close: async () => { abort.abort(); await reading; },
  };
}
