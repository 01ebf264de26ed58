/**
 * Maps the facade's answers to HTTP: ok → 200 with the value as JSON; a refusal → its httpStatus
 * (409 state, 503 dependency) with the error shape, details (state, allowedActions, ...) included.
 */
import type { Context } from 'hono';
import type { ControlResult } from '../control/lifecycle/bot-control.types.js';
import { errorResponse } from './errors.js';
import { toJson } from './to-json.js';

export function respond<T>(c: Context, result: ControlResult<T>): Response {
  if (result.ok) return c.json(toJson(result.value), 200);
  const { code, message, httpStatus, details } = result.error;
  return errorResponse(c, httpStatus, code, message, details ? (toJson(details) as Record<string, unknown>) : {});
}

/** what the facade journals as the cause of a change made through the API */
export function apiCause(c: Context): string {
  return `api: ${c.req.method} ${c.req.path}`;
}
