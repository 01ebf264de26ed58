/**
 * Request helpers shared by the pipeline routes: strict query strings, bodies that may be empty,
 * and the one pipeline failure that is the client's fault (a cursor Keel did not issue → 400).
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError, toValidationIssues, validationFailed } from '../errors.js';

/** drops undefined members (optional filters stay absent, not `undefined`) */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const result = schema.safeParse(c.req.query());
  if (!result.success) throw validationFailed(toValidationIssues(result.error));
  return defined(result.data as object) as z.output<S>;
}

/** an absent or empty body counts as `{}` (approve / reject carry at most a note) */
export async function parseOptionalBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const raw = await c.req.text();
  let body: unknown = {};
  if (raw.trim() !== '') {
    try {
      body = JSON.parse(raw) as unknown;
    } catch {
      throw validationFailed([{ path: '', message: 'body is not valid JSON' }]);
    }
  }
  const result = schema.safeParse(body);
  if (!result.success) throw validationFailed(toValidationIssues(result.error));
  return result.data;
}

/**
 * The repositories throw InvalidCursorError for a cursor they did not make; matched by name so
 * the HTTP layer does not import the postgres adapter.
 */
export async function withCursorCheck<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Error && error.name === 'InvalidCursorError') {
      throw new ApiError(400, 'VALIDATION_FAILED', '1 invalid field: cursor', { issues: [{ path: 'cursor', message: 'is not a cursor from this API' }] });
    }
    throw error;
  }
}
