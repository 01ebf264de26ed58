/**
 * FILL account activities (docs/alpaca.md §2.6): one per execution, id
 * "<YYYYMMDDHHMMSSmmm (ET)>::<execution uuid>" (the same UUID as the stream's execution_id);
 * after/until exclusive on transaction time, date = ET calendar date, direction (default desc),
 * page_size 1–100 (default 100), page_token = id of the last item of the previous page.
 */
import type { FillActivity } from '../../../domain/account.js';
import { etDate, isDateString } from '../../../domain/market-time.js';
import type { SimActivitiesQuery, SimResult } from '../exchange.types.js';
import { parseTimeParam } from './order-queries.js';
import { invalid, ok } from './sim-errors.js';

export function selectActivities(all: readonly FillActivity[], q: SimActivitiesQuery): SimResult<FillActivity[]> {
  const direction = q.direction || 'desc';
  if (direction !== 'asc' && direction !== 'desc') return invalid('invalid direction');
  const pageSize = q.page_size ? Number(q.page_size) : 100;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) return invalid('invalid page_size');
  if (q.date && !isDateString(q.date)) return invalid('failed to parse date');
  const after = parseTimeParam('after', q.after);
  if (!after.ok) return after;
  const until = parseTimeParam('until', q.until);
  if (!until.ok) return until;
  const picked = all.filter((a) =>
    (after.value === null || a.transactionTime > after.value) &&
    (until.value === null || a.transactionTime < until.value) &&
    (!q.date || etDate(a.transactionTime) === q.date));
  const ordered = direction === 'asc' ? picked : [...picked].reverse();
  let from = 0;
  if (q.page_token) {
    const i = ordered.findIndex((a) => a.id === q.page_token);
    if (i < 0) return invalid('invalid page_token');
    from = i + 1;
  }
  return ok(ordered.slice(from, from + pageSize));
}
