/**
 * The single bot_config row (id = 1). Its column defaults are the seeds' defaults, so creating
 * the row is inserting just the id and the timestamp. Writers take `now` from the Clock.
 */
import type { BotConfig, BotSettings, BotState, TradingModeName } from '../../domain/bot-config.js';
import { botConfigFromRow, botSettingsToRow } from './bot-config.mapper.js';
import type { DbOrTrx } from './schema.js';
import { ts } from './sql-time.js';

async function ensureRow(db: DbOrTrx, now: number): Promise<void> {
  // ON CONFLICT: two processes starting at once must not fail on the primary key
  await db.insertInto('bot_config').values({ id: 1, updated_at: ts(now) })
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

export async function saveBotState(db: DbOrTrx, state: BotState, now: number): Promise<void> {
  await update(db, { state }, now);
}

export async function saveBotMode(db: DbOrTrx, mode: TradingModeName, now: number): Promise<void> {
  await update(db, { mode }, now);
}
