/**
 * Bearer-token guard for /api/*. The comparison runs over SHA-256 digests with timingSafeEqual:
 * equal lengths whatever the caller sends, so neither the token's content nor its length leaks
 * through response timing. The token itself never appears in a response.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

export function bearerAuth(expectedToken: string): MiddlewareHandler {
  if (expectedToken.length === 0) throw new Error('bearerAuth needs a non-empty token');
  const expected = digest(expectedToken);
  return async (c, next) => {
    const match = BEARER.exec(c.req.header('authorization') ?? '');
    const presented = match?.[1];
    if (!presented || !timingSafeEqual(digest(presented), expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="keel"');
      throw new ApiError(401, 'UNAUTHORIZED', 'missing or invalid bearer token');
    }
    await next();
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
