/**
 * Credentials for the simulated exchange. With configured credentials the pair must match
 * (compared in constant time); without, any non-empty pair is accepted, as a paper account would
 * accept its own keys. Secrets are never echoed in responses, logs or errors.
 */
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { SimEnv } from './sim-env.js';

export interface SimCredentials {
  keyId: string;
  secret: string;
}

export const UNAUTHORIZED_BODY = { code: 40110000, message: 'request is not authorized' } as const;

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function credentialsAccepted(
  expected: SimCredentials | undefined,
  keyId: string | undefined | null,
  secret: string | undefined | null,
): boolean {
  if (!keyId || !secret) return false;
  if (!expected) return true;
  // evaluate both so a wrong key id takes as long as a wrong secret
  const keyOk = sameText(keyId, expected.keyId);
  const secretOk = sameText(secret, expected.secret);
  return keyOk && secretOk;
}

/** REST auth (docs/alpaca.md §1.2): both APCA headers on every call, else 401 40110000. */
export function restAuth(expected: SimCredentials | undefined): MiddlewareHandler<SimEnv> {
  return async (c, next) => {
    const keyId = c.req.header('APCA-API-KEY-ID');
    if (!credentialsAccepted(expected, keyId, c.req.header('APCA-API-SECRET-KEY'))) {
      return c.json(UNAUTHORIZED_BODY, 401);
    }
    c.set('keyId', keyId as string);
    await next();
  };
}
