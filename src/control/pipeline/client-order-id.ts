/**
 * The entry order's client_order_id, derived from the signal id alone.
 * Invariants: the same signal id always gives the same id (a retried or replayed signal can never
 * produce a second, differently-named order, and an ambiguous POST is resolved by looking this id
 * up); at most 48 characters (Alpaca allows 128, we keep room); only [a-z0-9-].
 * Hashing (rather than embedding the signal id) keeps client-chosen ids of any length or alphabet
 * out of the broker's namespace.
 */
import { createHash } from 'node:crypto';

const PREFIX = 'k-';
const HEX_CHARS = 32; // 128 bits: collisions are not a practical concern

export function entryClientOrderId(signalId: string): string {
  const digest = createHash('sha256').update(signalId, 'utf8').digest('hex');
  return `${PREFIX}${digest.slice(0, HEX_CHARS)}-e`;
}
