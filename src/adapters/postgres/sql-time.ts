/**
 * Epoch ms ↔ timestamptz without constructing Date objects in our code (house rule: the current
 * time is read in src/clock only). Interval arithmetic on an integer is exact, unlike to_timestamp(double).
 */
import { sql, type RawBuilder } from 'kysely';
import type { EpochMs } from '../../domain/time.js';

/** a timestamptz expression for `ms` */
export function ts(ms: EpochMs): RawBuilder<Date> {
  if (!Number.isSafeInteger(ms)) throw new Error(`timestamp must be integer epoch ms, got ${ms}`);
  return sql<Date>`(timestamptz 'epoch' + ${String(ms)}::bigint * interval '1 millisecond')`;
}

export function tsOrNull(ms: EpochMs | null): RawBuilder<Date> | null {
  return ms === null ? null : ts(ms);
}

/** pg hands timestamptz back as a Date (built inside pg); we keep only its epoch ms */
export function toMs(value: Date): EpochMs {
  return value.getTime();
}

export function toMsOrNull(value: Date | null): EpochMs | null {
  return value === null ? null : value.getTime();
}
