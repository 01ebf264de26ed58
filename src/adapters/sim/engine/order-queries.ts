/**
 * GET /v2/orders query semantics (docs/alpaca.md §2.5.2): status open|closed|all (default open),
 * limit 1–500 (default 50), after/until exclusive on submission time, direction (default desc),
 * symbols and side filters. `nested` only matters for multi-leg orders, which the simulator
 * does not create, so it is accepted and has no effect.
 */
import { isTerminalStatus, type Order } from '../../../domain/order.js';
import { parseTimestamp } from '../../../domain/time.js';
import type { SimListOrdersQuery, SimResult } from '../exchange.types.js';
import { invalid, ok } from './sim-errors.js';

export function parseTimeParam(name: string, text: string | undefined): SimResult<number | null> {
  if (text === undefined || text === '') return ok(null);
  const t = parseTimestamp(text);
  return t === null ? invalid(`failed to parse ${name}`) : ok(t);
}

export function selectOrders(all: readonly Order[], q: SimListOrdersQuery): SimResult<Order[]> {
  const status = q.status || 'open';
  if (!['open', 'closed', 'all'].includes(status)) return invalid('invalid status');
  const limit = q.limit ? Number(q.limit) : 50;
  if (!Number.isInteger(limit) || limit < 1) return invalid('invalid limit');
  if (limit > 500) return invalid('limit must be less than or equal to 500');
  const direction = q.direction || 'desc';
  if (direction !== 'asc' && direction !== 'desc') return invalid('invalid direction');
  if (q.side && q.side !== 'buy' && q.side !== 'sell') return invalid('invalid side');
  const after = parseTimeParam('after', q.after);
  if (!after.ok) return after;
  const until = parseTimeParam('until', q.until);
  if (!until.ok) return until;
  const symbols = q.symbols ? new Set(q.symbols.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean)) : null;
  const picked = all.filter((o) => {
    const submitted = o.submittedAt ?? o.createdAt;
    if (status === 'open' && isTerminalStatus(o.status)) return false;
    if (status === 'closed' && !isTerminalStatus(o.status)) return false;
    if (after.value !== null && !(submitted > after.value)) return false;
    if (until.value !== null && !(submitted < until.value)) return false;
    if (symbols && !symbols.has(o.symbol)) return false;
    return !q.side || o.side === q.side;
  });
  // `all` is in submission order already; a stable reverse keeps ties in a defined order
  const ordered = direction === 'asc' ? picked : [...picked].reverse();
  return ok(ordered.slice(0, limit));
}
