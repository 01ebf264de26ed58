/** The notional may not exceed maxPerTradeUsd (sizing caps it; this guards approvals and edits). */
import type { EntryCheck } from '../check.types.js';
import { deny, usd } from '../deny.js';

export const perTradeCapCheck: EntryCheck = {
  name: 'per-trade-cap',
  check: ({ notional, settings }) =>
    notional.gt(settings.maxPerTradeUsd)
      ? deny('PER_TRADE_CAP', `notional ${usd(notional)} exceeds the per-trade cap ${usd(settings.maxPerTradeUsd)}`, {
          notional: notional.toFixed(),
          limit: settings.maxPerTradeUsd.toFixed(),
        })
      : null,
};
