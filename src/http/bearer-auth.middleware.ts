/**
 * The guard for /api/*: the bearer token (scripts) or a dashboard session cookie (the browser).
 * The token comparison runs over SHA-256 digests with timingSafeEqual: equal lengths whatever the
 * caller sends, so neither the token's content nor its length leaks through response timing. The
 * token itself never appears in a response.
 * A cookie rides along with any request the browser makes, including one a hostile page's form
 * sends, so a cookie-authenticated request that changes something must also carry the
 * X-Keel-Request header (a cross-site form cannot set a header, and a cross-site script cannot
 * either without a CORS permission Keel never grants) and must not come from another Origin.
 * A bearer request needs neither: a browser never adds that header on its own.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { ApiError } from './errors.js';
import { SESSION_COOKIE, digest, type SessionStore } from './session-store.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** the header the dashboard sends with every request that changes something */
export const REQUEST_HEADER = 'X-Keel-Request';

export function bearerAuth(expectedToken: string, sessions?: SessionStore): MiddlewareHandler {
  if (expectedToken.length === 0) throw new Error('bearerAuth needs a non-empty token');
  const expected = digest(expectedToken);
  return async (c, next) => {
    const authorization = c.req.header('authorization');
    if (authorization === undefined && sessions) {
      const session = getCookie(c, SESSION_COOKIE);
      if (session !== undefined && sessions.valid(session)) {
        if (!SAFE_METHODS.has(c.req.method)) refuseCrossSite(c);
        return next();
      }
    }
    const presented = BEARER.exec(authorization ?? '')?.[1];
    if (!presented || !tokenMatches(presented, expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="keel"');
      throw new ApiError(401, 'UNAUTHORIZED', sessions ? 'missing or invalid bearer token or session: sign in again' : 'missing or invalid bearer token');
    }
    await next();
  };
}

export function tokenMatches(presented: string, expected: Buffer): boolean {
  return timingSafeEqual(digest(presented), expected);
}

function refuseCrossSite(c: Context): void {
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== new URL(c.req.url).origin) {
    throw new ApiError(403, 'CROSS_SITE_REQUEST', `a request from ${JSON.stringify(origin)} may not change anything with this session`);
  }
  if (c.req.header(REQUEST_HEADER) !== '1') {
    throw new ApiError(403, 'CROSS_SITE_REQUEST', `a session request that changes something must carry the header ${REQUEST_HEADER}: 1`);
  }
}
