/**
 * The dashboard's live feed stops before what it reads from: stop() waits for the status read under
 * way and skips the queued ones, so a shutdown that closes the database right after never has a
 * read fail on it (seen before: "driver has already been destroyed" on Keel's stderr at Ctrl-C).
 */
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { PositionEvent } from '../../src/actors/position-supervisor.types.js';
import type { ControlEvent } from '../../src/control/lifecycle/bot-control.js';
import type { PipelineEvent } from '../../src/control/pipeline/pipeline-runtime.js';
import { createEventHub } from '../../src/http/live/event-hub.js';
import { feedLiveEvents } from '../../src/service/live-feed.js';

describe('the live feed at shutdown', () => {
  it('finishes the read under way, skips the queued ones, and reads nothing after stop', async () => {
    const control$ = new Subject<ControlEvent>();
    const hub = createEventHub();
    const pending: Array<(value: unknown) => void> = [];
    let reads = 0;
    let closed = false;
    const warnings: unknown[] = [];
    const feed = feedLiveEvents(hub, {
      control$, pipeline$: new Subject<PipelineEvent>(), positions$: new Subject<PositionEvent>(),
      status: () => {
        reads += 1;
        if (closed) return Promise.reject(new Error('driver has already been destroyed'));
        return new Promise((resolve) => pending.push(resolve));
      },
      warn: (_message, error) => { warnings.push(error); },
    });
    const state = { type: 'state' } as unknown as ControlEvent;
    control$.next(state);
    control$.next(state);
    control$.next(state);
    await Promise.resolve();
    expect(reads).toBe(1);

    const stopping = feed.stop();
    pending.shift()!({ state: 'stopped' });
    await stopping;
    closed = true; // the database closes right after the feed
    control$.next(state);
    await new Promise<void>((resolve) => queueMicrotask(resolve));

    expect(reads).toBe(1);
    expect(warnings).toEqual([]);
    expect(hub.since(0)).toEqual([expect.objectContaining({ type: 'status', data: { state: 'stopped' } })]);
  });
});
