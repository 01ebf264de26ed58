/**
 * Browser sessions for the dashboard, held in memory: a restart signs every browser out (the API
 * token is the lasting credential; a session is only its short-lived stand-in in a cookie).
 * Invariants: an id is 32 random bytes (never derived from the token), lookups compare digests in
 * constant time, an expired id is forgotten on sight.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../ports/clock.port.js';

export const SESSION_COOKIE = 'keel_session';
/** a trading day and then some: the trader signs in again each morning */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface SessionStore {
  /** a new session id, valid for SESSION_TTL_MS of the clock's time */
  create(): string;
  valid(id: string): boolean;
  /** forgets the session (sign-out); unknown ids are ignored */
  end(id: string): void;
}

export function createSessionStore(clock: Clock, ttlMs = SESSION_TTL_MS): SessionStore {
  // keyed by the id's digest: the map never holds a usable id, and lookups are by digest
  const sessions = new Map<string, { digest: Buffer; expiresAt: number }>();
  const key = (id: string) => digest(id).toString('hex');
  return {
    create() {
      const id = randomBytes(32).toString('base64url');
      sessions.set(key(id), { digest: digest(id), expiresAt: clock.now() + ttlMs });
      return id;
    },
    valid(id) {
      const k = key(id);
      const session = sessions.get(k);
      if (!session || !timingSafeEqual(session.digest, digest(id))) return false;
      if (clock.now() >= session.expiresAt) {
        sessions.delete(k);
        return false;
      }
      return true;
    },
    end(id) {
      sessions.delete(key(id));
    },
  };
}

export function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
