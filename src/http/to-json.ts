/**
 * JSON out: Decimals become plain decimal strings (no exponent, exact), so money survives the trip
 * through clients that parse numbers as binary floats. Everything else passes through.
 */
import { Decimal } from '../domain/money.js';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export function toJson(value: unknown): Json {
  if (Decimal.isDecimal(value)) return (value as Decimal).toFixed();
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [key, child] of Object.entries(value)) if (child !== undefined) out[key] = toJson(child);
    return out;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return null;
}
