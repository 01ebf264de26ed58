/**
 * A fired signal's whole write in ONE statement (docs/benchmarks.md, B6b): the trade row (pending_entry, with its
 * client order id), the signal carrying the trade id, and the journal entries, as three
 * data-modifying CTEs. One statement is atomic on its own, so no BEGIN/COMMIT round trips.
 * Invariants: all or nothing — a signal id or entry client order id that already exists raises
 * a unique violation (23505) and nothing is written (the caller answers from the stored signal);
 * the foreign key signal.trade_id → bot_trade is checked at the end of the statement, when the
 * trade row exists; the trade id is chosen by the caller, so the journal can name it.
 */
import { sql } from 'kysely';
import type { JournalInput } from '../../domain/journal.js';
import type { SignalRecord } from '../../domain/signal.js';
import type { NewTrade, Trade } from '../../domain/trade.js';
import { journalRow } from './journal.repo.js';
import type { DbOrTrx } from './schema.js';
import { signalToRow } from './signal.repo.js';
import { tradeFromRow, tradeToRow } from './trade.mapper.js';
import { ts } from './sql-time.js';

export interface FiredEntry {
  tradeId: string;
  trade: NewTrade;
  /** the signal as stored; its tradeId is set to `tradeId` here */
  signal: SignalRecord;
  journal: readonly JournalInput[];
}

export async function insertFiredEntry(db: DbOrTrx, entry: FiredEntry, now: number): Promise<Trade> {
  const tradeRow = { ...tradeToRow(entry.trade), id: entry.tradeId, created_at: ts(now), updated_at: ts(now) };
  const row = await db
    .with('t', (q) => q.insertInto('bot_trade').values(tradeRow as never).returningAll())
    .with('s', (q) => q.insertInto('signal').values(signalToRow({ ...entry.signal, tradeId: entry.tradeId })).returning('id'))
    .with('j', (q) => q.insertInto('event_journal').values(entry.journal.map((j) => journalRow(j, now))).returning('id'))
    .selectFrom('t')
    .selectAll('t')
    // referencing s and j keeps the planner honest about running them (it would anyway: data-modifying CTEs always run)
    .select([sql<number>`(select count(*) from s)`.as('signals'), sql<number>`(select count(*) from j)`.as('journaled')])
    .executeTakeFirstOrThrow();
  const { signals: _s, journaled: _j, ...trade } = row;
  return tradeFromRow(trade as never);
}

/** pg's unique_violation: the signal (or its entry client order id) is already stored */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
