/**
 * Feeds the dashboard's event hub from what the control, the pipeline and the position supervisor
 * already announce: a bot state change → `status` (the whole status, read after the change is
 * persisted), a signal decided (or expired) → `signal`, a position opened/closed/cancelled → `trade`. The page
 * reloads the row it names; the events stay small and carry no secret.
 * Invariant: stop() ends the feed before what it reads from closes — it waits for the status read
 * under way and skips the ones still queued, so a shutdown never reads a closed database.
 */
import { merge, type Observable } from 'rxjs';
import type { PositionEvent } from '../actors/position-supervisor.types.js';
import type { ControlEvent } from '../control/lifecycle/bot-control.js';
import type { PipelineEvent } from '../control/pipeline/pipeline-runtime.js';
import type { EventHub } from '../http/live/event-hub.js';
import { SerialQueue } from '../lib/serial-queue.js';

export interface LiveFeedSources {
  control$: Observable<ControlEvent>;
  pipeline$: Observable<PipelineEvent>;
  positions$: Observable<PositionEvent>;
  /** the status as /api/events sends it */
  status: () => Promise<unknown>;
  warn: (message: string, error?: unknown) => void;
}

export interface LiveFeed {
  /** unsubscribes, skips the status reads still queued and resolves once the one under way is done */
  stop(): Promise<void>;
}

export function feedLiveEvents(hub: EventHub, sources: LiveFeedSources): LiveFeed {
  // statuses are read one at a time, in order, so the last one published is the newest
  const statuses = new SerialQueue();
  let stopped = false;
  const publishStatus = () => {
    void statuses.run(async () => {
      if (stopped) return;
      try {
        hub.publish('status', await sources.status());
      } catch (error) {
        sources.warn('dashboard status could not be read', error);
      }
    });
  };
  const subscription = merge(
    sources.control$,
    sources.pipeline$,
    sources.positions$,
  ).subscribe((event) => {
    switch (event.type) {
      case 'state':
      case 'config':
      case 'reconciled':
        publishStatus();
        return;
      case 'signal':
        hub.publish('signal', { signalId: event.signalId, outcome: event.outcome, tradeId: event.tradeId });
        return;
      // the pipeline announces an expiry apart from other decisions; to a page it is one more outcome
      case 'expired':
        hub.publish('signal', { signalId: event.signalId, outcome: 'expired', tradeId: null });
        return;
      case 'opened':
      case 'closed':
      case 'cancelled':
        hub.publish('trade', { tradeId: event.tradeId, symbol: event.symbol, change: event.type });
        publishStatus();
        return;
      default:
    }
  });
  return {
    async stop() {
      stopped = true;
      subscription.unsubscribe();
      await statuses.idle();
    },
  };
}
