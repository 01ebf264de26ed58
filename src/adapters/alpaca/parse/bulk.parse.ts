/**
 * Arrays, Alpaca error bodies and the 207 Multi-Status bodies of the bulk deletes (docs/alpaca.md §2.4,
 * §2.5.7, §5.1). Invariant: every 207 element is reported with its own status — a failed element
 * never disappears, and a non-2xx element always carries an error.
 */
import type { Order } from '../../../domain/order.js';
import { FieldReader, describe, isRecord, joinPath, type Problems } from './field-reader.js';
import { readOrder } from './order.parse.js';

export interface ElementError {
  code: number | null;
  message: string;
  body: unknown;
}

export function readList<T>(
  json: unknown,
  path: string,
  problems: Problems,
  readItem: (item: unknown, itemPath: string, problems: Problems) => T | null,
): T[] {
  if (!Array.isArray(json)) {
    problems.push(`${path}: expected array, got ${describe(json)}`);
    return [];
  }
  const out: T[] = [];
  json.forEach((item, i) => {
    const value = readItem(item, joinPath(path, i), problems);
    if (value !== null) out.push(value);
  });
  return out;
}

/** {code?, message, ...context} → error; anything else keeps its JSON text as the message */
export function errorFromValue(value: unknown, fallback: string): ElementError {
  if (isRecord(value)) {
    const code = typeof value.code === 'number' && Number.isInteger(value.code) ? value.code : null;
    const message = typeof value.message === 'string' ? value.message : JSON.stringify(value);
    return { code, message, body: value };
  }
  if (value === undefined || value === null) return { code: null, message: fallback, body: value ?? null };
  return { code: null, message: typeof value === 'string' ? value : JSON.stringify(value), body: value };
}

export function parseErrorText(text: string): ElementError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // gateways sometimes answer with bare text (docs/alpaca.md §5.1): keep it verbatim
    return { code: null, message: text.trim(), body: text };
  }
  return errorFromValue(value, text.trim());
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

export function readClosePositionElement(item: unknown, path: string, problems: Problems) {
  const r = FieldReader.of(item, path, problems);
  if (!r) return null;
  const symbol = r.string('symbol');
  const status = r.number('status');
  let order: Order | null = null;
  let error: ElementError | null = null;
  if (isSuccess(status)) order = readOrder(r.raw('body'), joinPath(path, 'body'), problems);
  else error = errorFromValue(r.raw('body'), `HTTP ${status}`);
  return { symbol, status, order, error };
}

export function readCancelOrderElement(item: unknown, path: string, problems: Problems) {
  const r = FieldReader.of(item, path, problems);
  if (!r) return null;
  const orderId = r.string('id');
  const status = r.number('status');
  const error = isSuccess(status) ? null : errorFromValue(r.raw('body'), `HTTP ${status}`);
  return { orderId, status, error };
}
