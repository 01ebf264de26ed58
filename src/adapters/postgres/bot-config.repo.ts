/**
 * The single bot_config row (id = 1). Its column defaults are DEFAULT_BOT_SETTINGS, so creating
 * the row is inserting just the id and the timestamp. Writers take `now` from the Clock.
 */
import type { BotConfig, BotSettings, BotState, StateReason, TradingModeName } from '../../domain/bot-config.js';
import { botConfigFromRow, botSettingsToRow } from './bot-config.mapper.js';
import type { DbOrTrx } from './schema.js';
import { toMsOrNull, ts } from './sql-time.js';

async function ensureRow(db: DbOrTrx, now: number): Promise<void> {
  // ON CONFLICT: two processes starting at once must not fail on the primary key
  // the state ('stopped') is entered with the row
  await db.insertInto('bot_config').values({ id: 1, updated_at: ts(now), state_since: ts(now) })
    .onConflict((oc) => oc.column('id').doNothing()).execute();
}

/** the single row; created with the defaults if absent */
export async function loadBotConfig(db: DbOrTrx, now: number): Promise<BotConfig> {
  const row = await db.selectFrom('bot_config').selectAll().where('id', '=', 1).executeTakeFirst();
  if (row) return botConfigFromRow(row);
  await ensureRow(db, now);
  return botConfigFromRow(await db.selectFrom('bot_config').selectAll().where('id', '=', 1).executeTakeFirstOrThrow());
}

async function update(db: DbOrTrx, set: ReturnType<typeof botSettingsToRow>, now: number): Promise<BotConfig> {
  await ensureRow(db, now);
  const row = await db.updateTable('bot_config').set({ ...set, updated_at: ts(now) })
    .where('id', '=', 1).returningAll().executeTakeFirstOrThrow();
  return botConfigFromRow(row);
}

/** applies a partial settings change; returns the whole config */
export async function saveBotSettings(db: DbOrTrx, patch: Partial<BotSettings>, now: number): Promise<BotConfig> {
  return update(db, botSettingsToRow(patch), now);
}

/**
 * the state, why (0003) and since when (0006): a safety pause/halt names itself; anything else is
 * the trader's ('manual'). `freshWinRateWindow`: the win-rate guard counts only trades closed from
 * `now` on (a resume).
 */
export async function saveBotState(
  db: DbOrTrx, state: BotState, now: number, reason: StateReason = 'manual', detail: string | null = null, freshWinRateWindow = false,
): Promise<void> {
  // timestamps are SQL expressions (sql-time.ts), which Kysely's update accepts for any column
  const set = { state, state_reason: reason, state_reason_detail: detail, state_since: ts(now), ...(freshWinRateWindow ? { win_rate_window_start: ts(now) } : {}) };
  await update(db, set as unknown as ReturnType<typeof botSettingsToRow>, now);
}

export async function loadStateReason(db: DbOrTrx): Promise<{ reason: StateReason | null; detail: string | null }> {
  const row = await db.selectFrom('bot_config').select(['state_reason', 'state_reason_detail']).where('id', '=', 1).executeTakeFirst();
  return { reason: (row?.state_reason ?? null) as StateReason | null, detail: row?.state_reason_detail ?? null };
}

/** why the bot is in its state and since when (epoch ms; null = unknown) */
export async function loadStateRecord(db: DbOrTrx): Promise<{ reason: StateReason | null; detail: string | null; since: number | null }> {
  const row = await db.selectFrom('bot_config').select(['state_reason', 'state_reason_detail', 'state_since']).where('id', '=', 1).executeTakeFirst();
  return { reason: (row?.state_reason ?? null) as StateReason | null, detail: row?.state_reason_detail ?? null, since: toMsOrNull(row?.state_since ?? null) };
}

export async function saveBotMode(db: DbOrTrx, mode: TradingModeName, now: number): Promise<void> {
  await update(db, { mode }, now);
}
