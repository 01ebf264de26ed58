/**
 * signal: every signal Keel received and what it decided. Invariants: a signal id is inserted
 * once (a repeat reads the stored row back, so the caller answers the same outcome); a status
 * change can be made conditional on the current status (compare-and-set), so an approval and the
 * expiry sweep cannot both win; timestamps come from the caller (the Clock).
 */
import { sql, type Updateable } from 'kysely';
import type { SignalRecord, SignalStatus } from '../../domain/signal.js';
import type { Page, SignalQuery } from '../../domain/query.js';
import { decodeCursor, pageLimit, toPage } from './page-cursor.js';
import type { DbOrTrx, SignalTable } from './schema.js';
import { jsonText, nullableJsonText, signalFromRow } from './signal.mapper.js';
import { toMs, ts, tsOrNull } from './sql-time.js';
import type { JournalInput } from '../../domain/journal.js';
import { journalRow } from './journal.repo.js';

export type SignalPatch = Partial<Pick<SignalRecord, 'status' | 'denial' | 'verdicts' | 'size' | 'tradeId' | 'decidedAt' | 'note' | 'expiresAt' | 'stars' | 'executionMode'>>;

/** INSERT … ON CONFLICT (id) DO NOTHING: a repeated id returns the stored record with inserted=false */
export async function insertSignal(db: DbOrTrx, record: SignalRecord): Promise<{ inserted: boolean; record: SignalRecord }> {
  const row = await db.insertInto('signal').values(signalToRow(record))
    .onConflict((oc) => oc.column('id').doNothing()).returningAll().executeTakeFirst();
  if (row) return { inserted: true, record: signalFromRow(row) };
  const stored = await getSignal(db, record.id);
  // a conflict means the row exists; it cannot vanish (signals are never deleted)
  if (!stored) throw new Error(`signal ${record.id} conflicted but could not be read back`);
  return { inserted: false, record: stored };
}

export function signalToRow(record: SignalRecord) {
  return {
    id: record.id,
    received_at: ts(record.receivedAt),
    symbol: record.input.symbol,
    input: jsonText(record.input),
    execution_mode: record.executionMode,
    stars: record.stars,
    status: record.status,
    denial: nullableJsonText(record.denial),
    verdicts: jsonText(record.verdicts),
    size: nullableJsonText(record.size),
    trade_id: record.tradeId,
    expires_at: tsOrNull(record.expiresAt),
    decided_at: tsOrNull(record.decidedAt),
    note: record.note,
  };
}

export async function getSignal(db: DbOrTrx, id: string): Promise<SignalRecord | null> {
  const row = await db.selectFrom('signal').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? signalFromRow(row) : null;
}

/** typed loosely for the timestamp expressions (as trade.mapper.ts); the database checks the types */
function patchToRow(patch: SignalPatch): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.denial !== undefined) row.denial = nullableJsonText(patch.denial);
  if (patch.verdicts !== undefined) row.verdicts = jsonText(patch.verdicts);
  if (patch.size !== undefined) row.size = nullableJsonText(patch.size);
  if (patch.tradeId !== undefined) row.trade_id = patch.tradeId;
  if (patch.decidedAt !== undefined) row.decided_at = tsOrNull(patch.decidedAt);
  if (patch.note !== undefined) row.note = patch.note;
  if (patch.expiresAt !== undefined) row.expires_at = tsOrNull(patch.expiresAt);
  if (patch.stars !== undefined) row.stars = patch.stars;
  if (patch.executionMode !== undefined) row.execution_mode = patch.executionMode;
  return row;
}

/** `expectStatus`: update only if the signal is still in that status (compare-and-set); null when it was not */
export async function updateSignal(db: DbOrTrx, id: string, patch: SignalPatch, expectStatus?: SignalStatus): Promise<SignalRecord | null> {
  const set = patchToRow(patch) as Updateable<SignalTable>;
  if (Object.keys(set).length === 0) {
    const current = await getSignal(db, id);
    return current && (expectStatus === undefined || current.status === expectStatus) ? current : null;
  }
  let query = db.updateTable('signal').set(set).where('id', '=', id);
  if (expectStatus !== undefined) query = query.where('status', '=', expectStatus);
  const row = await query.returningAll().executeTakeFirst();
  return row ? signalFromRow(row) : null;
}

/** newest first by (received_at, id); cursor-paged */
export async function listSignals(db: DbOrTrx, q: SignalQuery): Promise<Page<SignalRecord>> {
  const limit = pageLimit(q.limit);
  let query = db.selectFrom('signal').selectAll();
  if (q.status !== undefined) query = query.where('status', '=', q.status);
  if (q.symbol !== undefined) query = query.where('symbol', '=', q.symbol);
  if (q.cursor !== undefined) {
    const key = decodeCursor(q.cursor);
    query = query.where(sql<boolean>`(received_at, id) < (${ts(key.at)}, ${key.id})`);
  }
  const rows = await query.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = toPage(rows, limit, (r) => ({ at: toMs(r.received_at), id: r.id }));
  return { items: page.items.map(signalFromRow), nextCursor: page.nextCursor };
}

/** pending signals whose expiresAt ≤ now, soonest expiry first */
export async function listExpiredPendingSignals(db: DbOrTrx, now: number): Promise<SignalRecord[]> {
  const rows = await db.selectFrom('signal').selectAll()
    .where('status', '=', 'pending').where('expires_at', '<=', ts(now))
    .orderBy('expires_at', 'asc').orderBy('id', 'asc').execute();
  return rows.map(signalFromRow);
}

/** when the first pending signal expires; null when none is pending */
export async function earliestPendingExpiry(db: DbOrTrx): Promise<number | null> {
  const row = await db.selectFrom('signal').select((eb) => eb.fn.min('expires_at').as('first'))
    .where('status', '=', 'pending').executeTakeFirst();
  const first = row?.first as Date | string | null | undefined;
  return first === null || first === undefined ? null : new Date(first).getTime();
}

/** signals still waiting for their decision (a restart decides them), oldest first */
export async function listReceivedSignals(db: DbOrTrx): Promise<SignalRecord[]> {
  const rows = await db.selectFrom('signal').selectAll()
    .where('status', '=', 'received').orderBy('received_at', 'asc').orderBy('id', 'asc').execute();
  return rows.map(signalFromRow);
}

/**
 * a received signal's decision and its journal entry in ONE statement (a burst of received signals
 * is decided one after another: a transaction's four round trips each would slow the queue);
 * compare-and-set on 'received': null, and nothing journaled, when it was no longer received
 */
export async function decideReceivedSignal(db: DbOrTrx, id: string, patch: SignalPatch, journal: JournalInput, now: number): Promise<SignalRecord | null> {
  const set = patchToRow(patch) as Updateable<SignalTable>;
  const j = journalRow(journal, now);
  const row = await db
    .with('s', (q) => q.updateTable('signal').set(set).where('id', '=', id).where('status', '=', 'received').returningAll())
    .with('j', (q) => q.insertInto('event_journal').columns(['at', 'kind', 'cause', 'subject', 'message', 'data'])
      .expression((eb) => eb.selectFrom('s').select([
        sql<string>`${j.at}::timestamptz`.as('at'), sql<string>`${j.kind}::text`.as('kind'), sql<string>`${j.cause}::text`.as('cause'),
        sql<string>`${j.subject}::text`.as('subject'), sql<string>`${j.message}::text`.as('message'), sql<string>`${j.data}::jsonb`.as('data'),
      ])).returning('id'))
    .selectFrom('s').selectAll('s')
    .select(sql<number>`(select count(*) from j)`.as('journaled'))
    .executeTakeFirst();
  if (!row) return null;
  const { journaled: _j, ...signal } = row;
  return signalFromRow(signal as never);
}
