/**
 * The one error shape of the control API: `{ "error": { "code", "message", ...details } }`.
 * Invariants: an unexpected error answers 500 INTERNAL with a fixed message (no stack, no error
 * text that could carry a secret); code and message are never overwritten by details.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

export type ApiErrorCode = 'UNAUTHORIZED' | 'VALIDATION_FAILED' | 'NOT_FOUND' | 'INTERNAL' | 'HEALTH_CHECK_FAILED' | (string & {});

export interface ValidationIssue {
  path: string;
  message: string;
}

/** Thrown by routes and middleware; app.onError turns it into the error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string, details: Record<string, unknown> = {}): Response {
  return c.json({ error: { ...details, code, message } }, status);
}

export function validationFailed(issues: ValidationIssue[]): ApiError {
  const message = `${issues.length} invalid field${issues.length === 1 ? '' : 's'}: ${issues.map((i) => i.path || '(body)').join(', ')}`;
  return new ApiError(400, 'VALIDATION_FAILED', message, { issues });
}

/** zod issues → one entry per problem; an unknown-keys issue becomes one entry per key. */
export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'unknown field' }));
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
}

export function createErrorHandler(logError: (error: unknown) => void): ErrorHandler {
  return (error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error.status, error.code, error.message, error.details);
    logError(error);
    return errorResponse(c, 500, 'INTERNAL', 'internal error');
  };
}

export const notFoundHandler: NotFoundHandler = (c) =>
  errorResponse(c, 404, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`);
