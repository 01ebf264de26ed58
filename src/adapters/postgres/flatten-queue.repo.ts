/**
 * The kill switch's queued flatten (bot_config.flatten_queued_at, migration 0003): an emergency
 * stop outside market hours cannot close positions, so it leaves this mark and the session-open
 * job carries the flatten out.
 * Invariants: the mark lives in the single bot_config row, so a restart keeps it; queueing twice
 * keeps the FIRST time (the age of the oldest unfulfilled request is what an operator needs);
 * the time comes from the Clock. The row's updated_at is the settings' change time and is not touched.
 * takeFlattenQueue clears under a row lock, so of two concurrent takes exactly one gets the time.
 */
import type { EpochMs } from '../../domain/time.js';
import type { DbOrTrx } from './schema.js';
import { toMsOrNull, ts } from './sql-time.js';

/** marks a flatten as queued at `now` (kept if one is already queued); creates the row if absent */
export async function queueFlatten(db: DbOrTrx, now: EpochMs): Promise<EpochMs> {
  const row = await db.insertInto('bot_config').values({ id: 1, updated_at: ts(now), flatten_queued_at: ts(now) })
    .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({
      flatten_queued_at: eb.fn.coalesce('bot_config.flatten_queued_at', eb.ref('excluded.flatten_queued_at')),
    })))
    .returning('flatten_queued_at').executeTakeFirstOrThrow();
  return toMsOrNull(row.flatten_queued_at) ?? now;
}

/** the flatten was carried out (or given up): nothing is queued any more */
export async function clearFlattenQueue(db: DbOrTrx): Promise<void> {
  await db.updateTable('bot_config').set({ flatten_queued_at: null }).where('id', '=', 1).execute();
}

/** when the pending flatten was queued; null when none is */
export async function getFlattenQueue(db: DbOrTrx): Promise<EpochMs | null> {
  const row = await db.selectFrom('bot_config').select('flatten_queued_at').where('id', '=', 1).executeTakeFirst();
  return row ? toMsOrNull(row.flatten_queued_at) : null;
}

/**
 * clears the queued flatten and answers when it had been queued; null (nothing changed) when none
 * was. The row is locked while the old value is read (the daily-stats recordEquity pattern).
 */
export async function takeFlattenQueue(db: DbOrTrx): Promise<EpochMs | null> {
  const row = await db.updateTable('bot_config as c')
    .from((eb) => eb.selectFrom('bot_config').select(['id', 'flatten_queued_at'])
      .where('id', '=', 1).where('flatten_queued_at', 'is not', null).forUpdate().as('prev'))
    .set({ flatten_queued_at: null })
    .whereRef('c.id', '=', 'prev.id')
    .returning('prev.flatten_queued_at as queued_at')
    .executeTakeFirst();
  return row ? toMsOrNull(row.queued_at) : null;
}
