/**
 * America/New_York wall-clock helpers (the one place market time-zone logic lives, docs/design.md
 * §2). Pure: Intl for the zone rules, civil-day arithmetic for dates; no clock reads.
 * Invariants:
 *  - an ET date is always the string 'YYYY-MM-DD'; day arithmetic never goes through a Date.
 *  - etWallToEpoch(etParts(t)) === t for every t that is not inside a DST fall-back hour's
 *    second occurrence (the ambiguous 01:00–02:00 resolves to the earlier, EDT instant).
 */
import type { EpochMs } from './time.js';

export const MARKET_TIME_ZONE = 'America/New_York';

export interface EtParts {
  date: string; // YYYY-MM-DD
  year: number;
  month: number; // 1-12
  day: number;
  hour: number; // 0-23
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: MARKET_TIME_ZONE, hourCycle: 'h23',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** days since 1970-01-01 of a proleptic Gregorian date (Hinnant's days_from_civil) */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function formatDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

export function parseDate(date: string): { year: number; month: number; day: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

export function isDateString(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text);
}

export function addDays(date: string, n: number): string {
  const { year, month, day } = parseDate(date);
  const c = civilFromDays(daysFromCivil(year, month, day) + n);
  return formatDate(c.year, c.month, c.day);
}

/** 0 = Sunday … 6 = Saturday */
export function weekdayOf(date: string): number {
  const { year, month, day } = parseDate(date);
  return (((daysFromCivil(year, month, day) + 4) % 7) + 7) % 7;
}

/**
 * ET's offset from UTC for the UTC hour holding t. The US switches daylight time at 2:00 local,
 * which is always a whole UTC hour (07:00Z in March, 06:00Z in November): the offset is constant
 * within any UTC hour, so it is asked of Intl once per hour and remembered (Intl costs microseconds,
 * and the calendar asks for ET dates on every session check).
 */
const HOUR_MS = 3_600_000;
const offsetByHour = new Map<number, number>();

function hourOffsetMs(t: EpochMs): number {
  const hour = Math.floor(t / HOUR_MS);
  let offset = offsetByHour.get(hour);
  if (offset === undefined) {
    const whole = hour * HOUR_MS;
    const get: Record<string, number> = {};
    for (const p of formatter.formatToParts(whole)) if (p.type !== 'literal') get[p.type] = Number(p.value);
    offset = Date.UTC(get.year ?? 0, (get.month ?? 1) - 1, get.day ?? 1, get.hour ?? 0, get.minute ?? 0, get.second ?? 0) - whole;
    if (offsetByHour.size >= 100_000) offsetByHour.clear();
    offsetByHour.set(hour, offset);
  }
  return offset;
}

export function etParts(t: EpochMs): EtParts {
  const wall = new Date(t + hourOffsetMs(t));
  const year = wall.getUTCFullYear(), month = wall.getUTCMonth() + 1, day = wall.getUTCDate();
  const date = formatDate(year, month, day);
  return {
    date, year, month, day, hour: wall.getUTCHours(), minute: wall.getUTCMinutes(), second: wall.getUTCSeconds(),
    weekday: weekdayOf(date),
  };
}

export function etDate(t: EpochMs): string {
  return etParts(t).date;
}

/** ET offset from UTC in ms at instant t (-4h in EDT, -5h in EST) */
export function etOffsetMs(t: EpochMs): number {
  return hourOffsetMs(t);
}

/** epoch ms of an ET wall-clock time on an ET date ('09:30' → 13:30Z in summer, 14:30Z in winter) */
export function etWallToEpoch(date: string, hour: number, minute = 0, second = 0): EpochMs {
  const { year, month, day } = parseDate(date);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Two passes: the offset at the first guess may be on the other side of a DST switch.
  const first = asUtc - etOffsetMs(asUtc - 5 * 3_600_000);
  const second2 = asUtc - etOffsetMs(first);
  return second2;
}

/** 'HH:MM' or 'HHMM' → [hour, minute] */
export function parseHhMm(text: string): [number, number] {
  const digits = text.replace(':', '');
  return [Number(digits.slice(0, 2)), Number(digits.slice(2, 4))];
}

/** 'HH:MM' New York wall time (how messages name a session time) */
export function etClock(t: EpochMs): string {
  const p = etParts(t);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** RFC 3339 with the ET offset, e.g. 2026-11-23T09:30:00-05:00 (how Alpaca renders /v2/clock) */
export function toEtIso(t: EpochMs): string {
  const p = etParts(t);
  const off = Math.round(etOffsetMs(t) / 60_000);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${p.date}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** 'YYYYMMDDHHMMSSmmm' in ET, the prefix of Alpaca account-activity ids */
export function etCompactStamp(t: EpochMs): string {
  const p = etParts(t);
  const ms = ((t % 1000) + 1000) % 1000;
  return `${p.date.replaceAll('-', '')}${pad(p.hour)}${pad(p.minute)}${pad(p.second)}${pad(ms, 3)}`;
}
