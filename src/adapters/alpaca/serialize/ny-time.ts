/**
 * RFC 3339 in America/New_York local time with its offset ("2025-06-24T14:15:22-04:00"), as
 * /v2/clock sends it. The zone rules come from src/domain/market-time.ts (the one place market
 * time-zone logic lives); unlike its toEtIso, milliseconds are kept when non-zero so a clock
 * round-trips exactly. `new Date(ms)` with an argument is pure (no clock read).
 */
import { etOffsetMs } from '../../../domain/market-time.js';

export function toNewYorkRfc3339(ms: number): string {
  const offsetMinutes = Math.round(etOffsetMs(ms) / 60_000);
  // shifting the instant by the offset makes toISOString print the New York wall-clock digits
  const local = new Date(ms + offsetMinutes * 60_000).toISOString();
  const wall = local.endsWith('.000Z') ? local.slice(0, 19) : local.slice(0, 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${wall}${sign}${hh}:${mm}`;
}
