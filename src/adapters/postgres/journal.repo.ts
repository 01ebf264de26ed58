/**
 * The append-only event journal. Invariants: rows are only ever inserted (the database refuses
 * UPDATE and DELETE with a trigger); `at` comes from the Clock; ids increase in insertion order,
 * so `afterId` pages through the journal without gaps or repeats; an entry is never lost to text
 * PostgreSQL cannot store (storable-text.ts).
 */
import type { Selectable } from 'kysely';
import type { JournalEntry, JournalInput, JournalKind } from '../../domain/journal.js';
import type { DbOrTrx, EventJournalTable } from './schema.js';
import { toMs, ts } from './sql-time.js';
import { storableJson, storableText, storableTextOrNull } from './storable-text.js';

const DEFAULT_LIMIT = 500;

export function entryFromRow(row: Selectable<EventJournalTable>): JournalEntry {
  return {
    id: Number(row.id), // bigserial arrives as a string; stays exact below 2^53
    at: toMs(row.at),
    kind: row.kind as JournalKind,
    cause: row.cause,
    subject: row.subject,
    message: row.message,
    data: row.data,
  };
}

export async function appendJournal(db: DbOrTrx, entry: JournalInput, now: number): Promise<JournalEntry> {
  const row = await db.insertInto('event_journal').values(journalRow(entry, now)).returningAll().executeTakeFirstOrThrow();
  return entryFromRow(row);
}

/** several entries in ONE statement, in the given order (ids ascend with it) */
export async function appendJournalEntries(db: DbOrTrx, entries: readonly JournalInput[], now: number): Promise<void> {
  if (entries.length === 0) return;
  await db.insertInto('event_journal').values(entries.map((entry) => journalRow(entry, now))).execute();
}

/** the row of one entry; text the database cannot hold (a NUL, a lone surrogate) becomes U+FFFD */
export function journalRow(entry: JournalInput, now: number) {
  return {
    at: ts(now),
    kind: entry.kind,
    cause: storableText(entry.cause),
    subject: storableTextOrNull(entry.subject ?? null),
    message: storableText(entry.message),
    // stringified here: Decimals become their exact strings (toJSON) and arrays stay JSON arrays
    data: storableJson(JSON.stringify(entry.data ?? {})),
  };
}

/** oldest first, after `afterId` (exclusive); at most `limit` (default 500) entries */
export async function listJournal(
  db: DbOrTrx,
  q: { afterId?: number; kinds?: readonly JournalKind[]; limit?: number },
): Promise<JournalEntry[]> {
  let query = db.selectFrom('event_journal').selectAll();
  if (q.afterId !== undefined) query = query.where('id', '>', String(q.afterId));
  if (q.kinds !== undefined) {
    if (q.kinds.length === 0) return [];
    query = query.where('kind', 'in', [...q.kinds]);
  }
  const rows = await query.orderBy('id', 'asc').limit(q.limit ?? DEFAULT_LIMIT).execute();
  return rows.map(entryFromRow);
}
