/** Small helpers shared by the serializers: Alpaca's wire forms of decimals and timestamps. */
import { toWire, type Decimal } from '../../../domain/money.js';
import { toIso, type EpochMs } from '../../../domain/time.js';

/** decimal STRING as Alpaca sends it (no exponent), or null */
export function decOrNull(value: Decimal | null | undefined): string | null {
  return value === null || value === undefined ? null : toWire(value);
}

/** RFC 3339 UTC, or null */
export function timeOrNull(value: EpochMs | null | undefined): string | null {
  return value === null || value === undefined ? null : toIso(value);
}

/** copies only the entries whose value is not null/undefined (for objects whose keys are optional) */
export function withoutNulls(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== null && v !== undefined));
}
