/**
 * Opaque page cursors: base64url of JSON [epochMs, id], the (timestamp, id) of the last row of a
 * page. Lists are ordered newest first by (timestamp DESC, id DESC), so "rows strictly below the
 * cursor" is stable even when many rows share a timestamp and new rows arrive meanwhile.
 */
export interface CursorKey {
  at: number;
  id: string;
}

/** thrown for a cursor Keel did not make; the HTTP layer answers 400 (it matches on the name) */
export class InvalidCursorError extends Error {
  constructor() {
    super('invalid cursor');
    this.name = 'InvalidCursorError';
  }
}

/** the ids that are paged (signal ids and trade uuids): anything else is not a cursor Keel made */
const ROW_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.at, key.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): CursorKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw new InvalidCursorError();
  const [at, id] = parsed as unknown[];
  if (!Number.isSafeInteger(at) || typeof id !== 'string' || !ROW_ID.test(id)) throw new InvalidCursorError();
  return { at: at as number, id };
}

/** a limit clamped to 1..MAX_PAGE_LIMIT (default DEFAULT_PAGE_LIMIT) */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_LIMIT;
  return Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.trunc(limit)));
}

/** rows fetched with limit + 1: the extra row only says whether another page exists */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => CursorKey): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
