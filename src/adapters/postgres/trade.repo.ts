/**
 * bot_trade: one row per trade. `now` (from the Clock) stamps created_at/updated_at.
 * A second row with the same entry (or exit) client order id is refused by a unique index: the id
 * is written before the order is sent, so a duplicate means a double submit.
 */
import type { Insertable, Updateable } from 'kysely';
import type { NewTrade, Trade, TradePatch, TradeStatus } from '../../domain/trade.js';
import type { BotTradeTable, DbOrTrx } from './schema.js';
import { ts } from './sql-time.js';
import { tradeFromRow, tradeToRow } from './trade.mapper.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function insertTrade(db: DbOrTrx, trade: NewTrade, now: number): Promise<Trade> {
  const columns = tradeToRow(trade) as Insertable<BotTradeTable>;
  const row = await db.insertInto('bot_trade').values({ ...columns, created_at: ts(now), updated_at: ts(now) })
    .returningAll().executeTakeFirstOrThrow();
  return tradeFromRow(row);
}

/** entries created at or after `since` (epoch ms) that were not cancelled before reaching the market */
export async function countEntriesSince(db: DbOrTrx, since: number): Promise<number> {
  const row = await db.selectFrom('bot_trade').select((eb) => eb.fn.countAll<string>().as('n'))
    .where('created_at', '>=', ts(since)).where('status', '<>', 'cancelled').executeTakeFirstOrThrow();
  return Number(row.n);
}

/** throws when no trade has this id */
export async function updateTrade(db: DbOrTrx, id: string, patch: TradePatch, now: number): Promise<Trade> {
  const set = { ...(tradeToRow(patch) as Updateable<BotTradeTable>), updated_at: ts(now) };
  const row = UUID.test(id)
    ? await db.updateTable('bot_trade').set(set).where('id', '=', id).returningAll().executeTakeFirst()
    : undefined;
  if (!row) throw new Error(`trade ${id} not found`);
  return tradeFromRow(row);
}

export async function getTrade(db: DbOrTrx, id: string): Promise<Trade | null> {
  if (!UUID.test(id)) return null; // not a uuid: no such trade (rather than a cast error)
  const row = await db.selectFrom('bot_trade').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? tradeFromRow(row) : null;
}

/** newest first (created_at, then id); no filter = every trade */
export async function listTrades(
  db: DbOrTrx,
  q: { statuses?: readonly TradeStatus[]; symbol?: string; limit?: number },
): Promise<Trade[]> {
  let query = db.selectFrom('bot_trade').selectAll();
  if (q.statuses !== undefined) {
    if (q.statuses.length === 0) return [];
    query = query.where('status', 'in', [...q.statuses]);
  }
  if (q.symbol !== undefined) query = query.where('symbol', '=', q.symbol);
  if (q.limit !== undefined) query = query.limit(q.limit);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map(tradeFromRow);
}
