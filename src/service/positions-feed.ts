/**
 * The dashboard's live prices: once a PUBLISH_MS of the injected clock, the `positions` event with
 * the rows of the open positions whose last tick (or state, peak, trailing level) changed since the
 * previous publish — nothing when none did. Rows come from the position supervisor's memory (the
 * actors' trades and their books' last ticks), so 200 positions cost no database read a second; the
 * page merges them into the rows it loaded from /api/trades/active by id. Opened and closed trades
 * are the `trade` event's business: the page reloads the list on those.
 * Invariants: at most one publish per PUBLISH_MS; a row is sent only for a trade in open or exiting
 * state; a publish failure is warned, never thrown into the timer.
 */
import type { ArmedPosition } from '../actors/position-supervisor.types.js';
import { liveFields, type LivePositionFields } from '../control/pipeline/active-trades.js';
import type { EventHub } from '../http/live/event-hub.js';
import type { Clock } from '../ports/clock.port.js';
import { toJson } from '../http/to-json.js';

/** twice a second: a move shows on the page within ≈ 0.6 s (the cadence plus transport and
 *  render), inside the 1 s a trader watching 200 positions is promised, with room to spare */
export const PUBLISH_MS = 500;

export interface LivePositionRow extends LivePositionFields {
  id: string;
  state: 'open' | 'exiting';
}

export interface PositionsFeedDeps {
  hub: EventHub;
  clock: Clock;
  /** the supervisor's tracked trades as they are now ([] while it is stopped) */
  armed: () => ArmedPosition[];
  warn: (message: string, error?: unknown) => void;
}

export class PositionsFeed {
  private abort: AbortController | null = null;
  private loop: Promise<void> = Promise.resolve();
  /** per trade id: what its last published row was made of */
  private sent = new Map<string, string>();

  constructor(private readonly deps: PositionsFeedDeps) {}

  start(): void {
    if (this.abort) return;
    this.abort = new AbortController();
    this.sent.clear();
    this.loop = this.timerLoop(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort?.abort(new Error('positions feed stopped'));
    this.abort = null;
    await this.loop;
  }

  /** publishes the changed rows now (the timer calls it); answers them ([] = nothing published) */
  publishChanged(): LivePositionRow[] {
    const rows: LivePositionRow[] = [];
    const seen = new Set<string>();
    for (const position of this.deps.armed()) {
      if (position.state !== 'open' && position.state !== 'exiting') continue;
      const id = position.trade.id;
      seen.add(id);
      const key = changeKey(position);
      if (this.sent.get(id) === key) continue;
      this.sent.set(id, key);
      rows.push({ id, ...liveFields(position.trade, position), state: position.state });
    }
    // a trade no longer tracked is forgotten: if it comes back (a restart of the supervisor) it is sent again
    for (const id of [...this.sent.keys()]) if (!seen.has(id)) this.sent.delete(id);
    if (rows.length > 0) this.deps.hub.publish('positions', toJson({ items: rows }));
    return rows;
  }

  private async timerLoop(signal: AbortSignal): Promise<void> {
    for (;;) {
      try {
        await this.deps.clock.sleep(PUBLISH_MS, signal);
      } catch {
        return; // stopped
      }
      try {
        this.publishChanged();
      } catch (error) {
        this.deps.warn('dashboard positions could not be published', error);
      }
    }
  }
}

/** what the row is computed from: equal keys make equal rows */
function changeKey(position: ArmedPosition): string {
  const tick = position.lastTick;
  const levels = position.levels;
  return [position.state, tick?.price, tick?.at, levels?.peakPrice, levels?.trailingStopPrice, position.trade.peakPrice?.toFixed(), position.trade.shares?.toFixed(), position.trade.entryPrice?.toFixed()].join('|');
}
