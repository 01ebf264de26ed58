/**
 * The pipeline's reads of bot_trade and the journal: the paged trade list of GET /api/trades,
 * fill routing's lookups by order id, and a trade's provenance. Read-only; bot_trade writes stay
 * in trade.repo.ts. Paging is newest first by (created_at, id), stable under equal timestamps.
 */
import { sql } from 'kysely';
import type { JournalEntry } from '../../domain/journal.js';
import type { Trade } from '../../domain/trade.js';
import type { Page, TradeQuery } from '../../domain/query.js';
import { decodeCursor, InvalidCursorError, pageLimit, toPage } from './page-cursor.js';
import type { DbOrTrx } from './schema.js';
import { toMs, ts } from './sql-time.js';
import { tradeFromRow } from './trade.mapper.js';
import { entryFromRow } from './journal.repo.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_JOURNAL_LIMIT = 500;

/** newest first (created_at, id); cursor-paged; filters of GET /api/trades (from/to inclusive) */
export async function listTradesPage(db: DbOrTrx, q: TradeQuery): Promise<Page<Trade>> {
  const limit = pageLimit(q.limit);
  let query = db.selectFrom('bot_trade').selectAll();
  if (q.status !== undefined) query = query.where('status', '=', q.status);
  if (q.symbol !== undefined) query = query.where('symbol', '=', q.symbol);
  if (q.exitReason !== undefined) query = query.where('exit_reason', '=', q.exitReason);
  if (q.strategy !== undefined) query = query.where('strategy', '=', q.strategy);
  if (q.catalystType !== undefined) query = query.where('catalyst_type', '=', q.catalystType);
  if (q.from !== undefined) query = query.where('created_at', '>=', ts(q.from));
  if (q.to !== undefined) query = query.where('created_at', '<=', ts(q.to));
  if (q.cursor !== undefined) {
    const key = decodeCursor(q.cursor);
    if (!UUID.test(key.id)) throw new InvalidCursorError();
    query = query.where(sql<boolean>`(created_at, id) < (${ts(key.at)}, ${key.id}::uuid)`);
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = toPage(rows, limit, (r) => ({ at: toMs(r.created_at), id: r.id }));
  return { items: page.items.map(tradeFromRow), nextCursor: page.nextCursor };
}

/** the trade whose entry OR exit client order id this is */
export async function getTradeByClientOrderId(db: DbOrTrx, clientOrderId: string): Promise<Trade | null> {
  const row = await db.selectFrom('bot_trade').selectAll()
    .where((eb) => eb.or([eb('entry_client_order_id', '=', clientOrderId), eb('exit_client_order_id', '=', clientOrderId)]))
    .executeTakeFirst();
  return row ? tradeFromRow(row) : null;
}

/** the trade whose entry OR exit Alpaca order id this is */
export async function getTradeByOrderId(db: DbOrTrx, orderId: string): Promise<Trade | null> {
  const row = await db.selectFrom('bot_trade').selectAll()
    .where((eb) => eb.or([eb('entry_order_id', '=', orderId), eb('exit_order_id', '=', orderId)]))
    .executeTakeFirst();
  return row ? tradeFromRow(row) : null;
}

/** journal entries about any of these subjects (trade id, order ids, signal id), oldest first */
export async function listJournalForSubjects(db: DbOrTrx, subjects: readonly string[], limit = DEFAULT_JOURNAL_LIMIT): Promise<JournalEntry[]> {
  const wanted = [...new Set(subjects.filter((s) => s !== ''))];
  if (wanted.length === 0) return [];
  const rows = await db.selectFrom('event_journal').selectAll()
    .where('subject', 'in', wanted).orderBy('id', 'asc').limit(limit).execute();
  return rows.map(entryFromRow);
}
