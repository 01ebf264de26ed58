/**
 * No entry while the trade_updates stream is down, stale or catching up after a reconnect: a fill
 * Keel has not seen yet could make the journal and the broker disagree, and a new entry would be
 * decided on that stale picture (Nautilus's STREAM_RECONCILING). Exits are not gated here.
 */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const streamReconcilingCheck: EntryCheck = {
  name: 'stream-reconciling',
  check: ({ safety }) =>
    safety.tradeStreamLive
      ? null
      : deny('STREAM_RECONCILING', 'the broker trade stream is down or catching up: no new entries until it is live again', {
          tradeStreamLive: false,
        }),
};
