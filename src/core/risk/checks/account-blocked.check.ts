/**
 * The broker says the account may not trade (trading_blocked, account_blocked or
 * trade_suspended_by_user): any order would be refused, so no entry.
 * Unknown (null) passes HERE: null means there is no fresh account snapshot, and the same snapshot
 * feeds buying power, so the buying-power check already denies that entry with
 * BUYING_POWER_UNKNOWN. Denying it twice would blame a block nobody has seen.
 */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const accountBlockedCheck: EntryCheck = {
  name: 'account-blocked',
  check: ({ safety }) =>
    safety.accountBlocked === true
      ? deny('ACCOUNT_BLOCKED', 'the broker has blocked trading on this account (blocked or suspended by the account owner)', {
          accountBlocked: true,
        })
      : null,
};
