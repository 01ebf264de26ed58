/**
 * The wire form every answer schema shares (to-json.ts): Decimals as exact decimal strings,
 * instants as epoch milliseconds, absent values null; and the compile-time guard that ties a
 * schema to the domain type it describes.
 */
import { z } from 'zod';
import type { Decimal } from '../../domain/money.js';

/** a Decimal on the wire: exact, never an exponent */
export const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/).meta({ description: 'a decimal number as a string (exact, no exponent)', examples: ['412.5'] });
export const epochMs = z.number().int().meta({ description: 'epoch milliseconds' });
export const nullable = <T extends z.ZodType>(schema: T) => schema.nullable();

/** a domain value as it leaves through toJson(): Decimals become strings */
export type Wire<T> = T extends Decimal ? string : T extends ReadonlyArray<infer U> ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;
/** compile-time guard: every value of the domain type is accepted by the schema, and the schema
 *  names every top-level field of it (a strict object would otherwise refuse a field it lacks) */
export type Covers<S extends z.ZodType, T> = Wire<T> extends z.input<S> ? (Exclude<keyof T, keyof z.input<S>> extends never ? true : never) : never;
