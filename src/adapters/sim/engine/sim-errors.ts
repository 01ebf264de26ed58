/** Alpaca-shaped error results (docs/alpaca.md §5): status, code and message as Alpaca sends them. */
import type { SimErrorBody, SimResult } from '../exchange.types.js';

export type SimFailure = Extract<SimResult<never>, { ok: false }>;

export function fail(status: number, code: number, message: string, extra: Record<string, unknown> = {}): SimFailure {
  const body: SimErrorBody = { code, message, ...extra };
  return { ok: false, status, body };
}

export const ok = <T>(value: T): SimResult<T> => ({ ok: true, value });

/** 422 40010001: request validation */
export const invalid = (message: string): SimFailure => fail(422, 40010001, message);
/** 422 42210000: business-rule rejection */
export const unprocessable = (message: string): SimFailure => fail(422, 42210000, message);
export const forbidden = (message: string, extra: Record<string, unknown> = {}): SimFailure =>
  fail(403, 40310000, message, extra);
export const notFound = (message: string): SimFailure => fail(404, 40410000, message);
