/**
 * Reads fields of one JSON object and RECORDS problems instead of throwing, so a parser can
 * report every problem of a payload at once (each with its JSON path, e.g.
 * `order.filled_qty: expected decimal, got "abc"`).
 * Invariants: a failed read pushes exactly one problem and returns a placeholder that callers
 * never expose (the parser throws ParseError whenever problems is non-empty); absent and `null`
 * are the same for optional fields; decimals accept JSON strings AND numbers (docs/alpaca.md §1.3).
 */
import { Decimal, ZERO, isDecimalString } from '../../../domain/money.js';
import { parseTimestamp, type EpochMs } from '../../../domain/time.js';
import { ParseError } from '../../../domain/broker-error.js';

export type Problems = string[];

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** Throws one ParseError listing everything collected; does nothing when there is no problem. */
export function throwIfProblems(what: string, problems: Problems, payload: unknown): void {
  if (problems.length > 0) throw new ParseError(what, problems, payload);
}

/** Decimal from a wire value, or null when it is not one. */
export function toDecimal(value: unknown): Decimal | null {
  if (typeof value === 'string' && isDecimalString(value)) return new Decimal(value.trim());
  if (typeof value === 'number' && Number.isFinite(value)) return new Decimal(value);
  return null;
}

export class FieldReader {
  private constructor(
    readonly obj: Record<string, unknown>,
    readonly path: string,
    readonly problems: Problems,
  ) {}

  /** null (and a problem recorded) when `json` is not an object */
  static of(json: unknown, path: string, problems: Problems): FieldReader | null {
    if (!isRecord(json)) {
      problems.push(`${path || '(root)'}: expected object, got ${describe(json)}`);
      return null;
    }
    return new FieldReader(json, path, problems);
  }

  raw(key: string): unknown {
    return this.obj[key];
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  fail(key: string, expected: string): void {
    this.problems.push(`${joinPath(this.path, key)}: expected ${expected}, got ${describe(this.obj[key])}`);
  }

  string(key: string): string {
    const v = this.obj[key];
    if (typeof v === 'string') return v;
    this.fail(key, 'string');
    return '';
  }

  optString(key: string): string | null {
    return this.has(key) ? this.string(key) : null;
  }

  /** accepts a string or a number (some ids, e.g. old SSE event_id, are numbers) */
  optId(key: string): string | null {
    const v = this.obj[key];
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    return this.optString(key);
  }

  decimal(key: string): Decimal {
    const d = toDecimal(this.obj[key]);
    if (d) return d;
    this.fail(key, 'decimal');
    return ZERO;
  }

  optDecimal(key: string): Decimal | null {
    return this.has(key) ? this.decimal(key) : null;
  }

  number(key: string): number {
    const v = this.obj[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    this.fail(key, 'number');
    return 0;
  }

  optNumber(key: string): number | null {
    return this.has(key) ? this.number(key) : null;
  }

  bool(key: string): boolean {
    const v = this.obj[key];
    if (typeof v === 'boolean') return v;
    this.fail(key, 'boolean');
    return false;
  }

  /** for flags older payloads omit (e.g. extended_hours on 2019 orders) */
  boolOr(key: string, fallback: boolean): boolean {
    return this.has(key) ? this.bool(key) : fallback;
  }

  timestamp(key: string): EpochMs {
    const v = this.obj[key];
    const t = typeof v === 'string' ? parseTimestamp(v) : null;
    if (t !== null) return t;
    this.fail(key, 'RFC 3339 timestamp');
    return 0;
  }

  optTimestamp(key: string): EpochMs | null {
    return this.has(key) ? this.timestamp(key) : null;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T {
    const v = this.obj[key];
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    this.fail(key, `one of ${allowed.join('|')}`);
    return allowed[0] as T;
  }

  stringArray(key: string): string[] {
    const v = this.obj[key];
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    this.fail(key, 'array of strings');
    return [];
  }

  optStringArray(key: string): string[] {
    return this.has(key) ? this.stringArray(key) : [];
  }

  child(key: string): FieldReader | null {
    return FieldReader.of(this.obj[key], joinPath(this.path, key), this.problems);
  }
}
