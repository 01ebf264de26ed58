/**
 * The market-data subscriptions Keel wants, kept across reconnects (Alpaca keeps no state between
 * connections, docs/alpaca.md §9.3). add/remove return only the real changes, so the stream sends
 * true deltas and never an empty subscribe.
 */
import type { StreamSubscription } from '../../domain/market-data.js';

export const CHANNELS = ['trades', 'quotes', 'bars', 'updatedBars', 'dailyBars', 'statuses'] as const;
export type Channel = (typeof CHANNELS)[number];
export type SubscriptionDelta = Partial<Record<Channel, string[]>>;

export class SubscriptionSet {
  private readonly wanted = new Map<Channel, Set<string>>(CHANNELS.map((c) => [c, new Set<string>()]));

  add(delta: Partial<StreamSubscription>): SubscriptionDelta {
    return this.apply(delta, (set, symbol) => !set.has(symbol) && (set.add(symbol), true));
  }

  remove(delta: Partial<StreamSubscription>): SubscriptionDelta {
    return this.apply(delta, (set, symbol) => set.delete(symbol));
  }

  /** everything wanted, channels with no symbols left out */
  all(): SubscriptionDelta {
    const out: SubscriptionDelta = {};
    for (const [channel, set] of this.wanted) if (set.size > 0) out[channel] = [...set];
    return out;
  }

  private apply(delta: Partial<StreamSubscription>, change: (set: Set<string>, symbol: string) => boolean): SubscriptionDelta {
    const out: SubscriptionDelta = {};
    for (const channel of CHANNELS) {
      const set = this.wanted.get(channel);
      const changed = (delta[channel] ?? []).filter((symbol) => set !== undefined && change(set, symbol));
      if (changed.length > 0) out[channel] = changed;
    }
    return out;
  }
}

export function isEmpty(delta: SubscriptionDelta): boolean {
  return Object.keys(delta).length === 0;
}
