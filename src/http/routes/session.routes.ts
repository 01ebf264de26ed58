/**
 * /api/session: the dashboard's sign-in. POST exchanges the API token for an HttpOnly,
 * SameSite=Strict session cookie (the token never goes into a URL, a cookie or the page's storage);
 * GET says whether the caller is signed in; DELETE signs out. POST is the one /api/* route reached
 * without credentials (app.ts lets it past the guard); GET and DELETE sit behind it.
 */
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { tokenMatches } from '../bearer-auth.middleware.js';
import { ApiError } from '../errors.js';
import { parseJsonBody } from '../request-body.js';
import { SESSION_COOKIE, SESSION_TTL_MS, digest, type SessionStore } from '../session-store.js';

export const signInSchema = z.object({ token: z.string().min(1, 'the API token is required').max(1024) }).strict();

export function sessionRoutes(apiToken: string, sessions: SessionStore): Hono {
  const expected = digest(apiToken);
  const routes = new Hono();

  routes.post('/', async (c) => {
    const { token } = await parseJsonBody(c, signInSchema);
    if (!tokenMatches(token, expected)) throw new ApiError(401, 'UNAUTHORIZED', 'that is not this Keel\'s API token');
    setCookie(c, SESSION_COOKIE, sessions.create(), {
      httpOnly: true, sameSite: 'Strict', path: '/', maxAge: SESSION_TTL_MS / 1000,
      // Secure only where the page arrived over TLS: Keel itself serves plain HTTP on loopback
      secure: new URL(c.req.url).protocol === 'https:',
    });
    return c.json({ signedIn: true });
  });

  routes.get('/', (c) => c.json({ signedIn: true, via: c.req.header('authorization') ? 'bearer' : 'session' }));

  routes.delete('/', (c) => {
    const session = getCookie(c, SESSION_COOKIE);
    if (session !== undefined) sessions.end(session);
    deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Strict' });
    return c.body(null, 204);
  });

  return routes;
}
