/** No entry before the journal and the broker agree (crash-only startup, docs/design.md §11). */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const reconciledCheck: EntryCheck = {
  name: 'reconciled',
  check: ({ reconciled }) =>
    reconciled ? null : deny('NOT_RECONCILED', 'journal not yet reconciled with the broker: no new entries', {}),
};
