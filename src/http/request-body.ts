/**
 * Reads and validates a JSON body at the edge. Malformed JSON and schema failures both answer
 * 400 VALIDATION_FAILED, so clients handle one code for "your request is wrong".
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { toValidationIssues, validationFailed } from './errors.js';

export async function readJsonBody(c: Context): Promise<unknown> {
  const raw = await c.req.text();
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw validationFailed([{ path: '', message: raw.trim() === '' ? 'a JSON body is required' : 'body is not valid JSON' }]);
  }
}

export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const result = schema.safeParse(await readJsonBody(c));
  if (!result.success) throw validationFailed(toValidationIssues(result.error));
  return result.data;
}
