/**
 * A settings PATCH in one transaction: the saved config, and a config_changed journal entry naming
 * each key whose value differs (old → new) — none when nothing changed, so a no-op PATCH leaves
 * no trace and announces nothing.
 */
import type { BotConfig, BotSettings } from '../../domain/bot-config.js';
import type { EpochMs } from '../../domain/time.js';
import { appendJournal, loadBotConfig, saveBotSettings, type Db } from '../../adapters/postgres/index.js';

export async function patchSettings(db: Db, patch: Partial<BotSettings>, cause: string, now: EpochMs): Promise<{ saved: BotConfig; changed: (keyof BotSettings)[] }> {
  return db.transaction().execute(async (trx) => {
    const before = await loadBotConfig(trx, now);
    const saved = await saveBotSettings(trx, patch, now);
    const changes = changedKeys(before, saved, Object.keys(patch) as (keyof BotSettings)[]);
    if (Object.keys(changes).length > 0) {
      await appendJournal(trx, { kind: 'config_changed', cause, message: `config changed: ${Object.keys(changes).join(', ')}`, data: { changes } }, now);
    }
    return { saved, changed: Object.keys(changes) as (keyof BotSettings)[] };
  });
}

function changedKeys(before: BotConfig, after: BotConfig, keys: (keyof BotSettings)[]): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of keys) {
    const from = JSON.parse(JSON.stringify(before[key] ?? null)) as unknown;
    const to = JSON.parse(JSON.stringify(after[key] ?? null)) as unknown;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to };
  }
  return changes;
}
