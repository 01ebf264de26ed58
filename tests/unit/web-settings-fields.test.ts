/**
 * The Settings page's field list against the API it edits: every setting PATCH /api/bot/config
 * accepts is on the page exactly once, and what the page shows for a stored config goes back as a
 * valid patch (a trader who saves without looking never gets a refusal for a value Keel gave them).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BOT_SETTINGS } from '../../src/domain/bot-config.js';
import { botSettingsPatchSchema } from '../../src/http/bot-settings.schema.js';
import { toJson } from '../../src/http/to-json.js';

interface Field { key: string; kind: string }
interface FieldsModule {
  SETTING_GROUPS: Array<{ name: string; fields: Field[] }>;
  toText(field: Field, value: unknown): unknown;
  fromText(field: Field, text: unknown): unknown;
}

const FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/web/settings-fields.js');
const load = async (): Promise<FieldsModule> => (await import(pathToFileURL(FILE).href)) as FieldsModule;

describe('the Settings page fields', () => {
  it('list every setting the API accepts, exactly once', async () => {
    const { SETTING_GROUPS } = await load();
    const keys = SETTING_GROUPS.flatMap((g) => g.fields.map((f) => f.key));
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(Object.keys(botSettingsPatchSchema.shape).sort());
  });

  it('send back what they show as a valid patch', async () => {
    const { SETTING_GROUPS, toText, fromText } = await load();
    const stored = toJson({
      ...DEFAULT_BOT_SETTINGS, maxConcurrentPositions: null, trailingStopPct: 2.5, enabledStrategies: ['gap-up', 'news'],
      exitOverrides: { earnings: { hardStopLossPct: 4, trailingStopPct: null }, fda_approval: { maxHoldSec: 900 } },
    }) as Record<string, unknown>;
    const fields = SETTING_GROUPS.flatMap((g) => g.fields);
    const patch = Object.fromEntries(fields.map((f) => [f.key, fromText(f, toText(f, stored[f.key]))]));
    const parsed = botSettingsPatchSchema.safeParse(patch);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(toJson(parsed.data)).toEqual(stored);
  });
});
