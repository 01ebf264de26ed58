/**
 * What the dashboard's event hub hears from the pipeline: every change of a signal's outcome is a
 * `signal` event, the approval window passing included, so a page showing the signal reloads it.
 */
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { PositionEvent } from '../../src/actors/position-supervisor.types.js';
import type { ControlEvent } from '../../src/control/lifecycle/bot-control.js';
import type { PipelineEvent } from '../../src/control/pipeline/pipeline-runtime.js';
import { createEventHub } from '../../src/http/live/event-hub.js';
import { feedLiveEvents } from '../../src/service/live-feed.js';

function feed() {
  const hub = createEventHub();
  const pipeline$ = new Subject<PipelineEvent>();
  const subscription = feedLiveEvents(hub, {
    control$: new Subject<ControlEvent>(),
    pipeline$,
    positions$: new Subject<PositionEvent>(),
    status: async () => ({}),
    warn: () => {},
  });
  return { hub, pipeline$, subscription };
}

describe('the live feed of signals', () => {
  it('publishes a decided signal with its outcome and trade', () => {
    const { hub, pipeline$, subscription } = feed();
    pipeline$.next({ type: 'signal', signalId: 's-1', outcome: 'approved', tradeId: 't-1' });
    expect(hub.since(0)).toEqual([{ id: 1, type: 'signal', data: { signalId: 's-1', outcome: 'approved', tradeId: 't-1' } }]);
    void subscription.stop();
  });

  it('publishes a pending signal whose approval window passed as an expired signal', () => {
    const { hub, pipeline$, subscription } = feed();
    pipeline$.next({ type: 'expired', signalId: 's-2' });
    expect(hub.since(0)).toEqual([{ id: 1, type: 'signal', data: { signalId: 's-2', outcome: 'expired', tradeId: null } }]);
    void subscription.stop();
  });
});
