/**
 * /api/bot/config: the whole config (GET), its replacement (PUT: every setting required) and a
 * partial update (PATCH). Both writes are strict and all-or-nothing: an invalid body throws before
 * the facade is called, so nothing changes.
 */
import { Hono } from 'hono';
import type { BotControl } from '../../control/lifecycle/bot-control.types.js';
import { botSettingsPatchSchema, botSettingsSchema } from '../bot-settings.schema.js';
import { apiCause, respond } from '../control-result.js';
import { parseJsonBody } from '../request-body.js';
import { toJson } from '../to-json.js';

export function configRoutes(control: BotControl): Hono {
  const routes = new Hono();
  routes.get('/', async (c) => c.json(toJson(await control.getConfig())));
  // a whole config is a patch of every setting: one write, one journal entry of what differed
  routes.put('/', async (c) => respond(c, await control.patchConfig(await parseJsonBody(c, botSettingsSchema), apiCause(c))));
  routes.patch('/', async (c) => respond(c, await control.patchConfig(await parseJsonBody(c, botSettingsPatchSchema), apiCause(c))));
  return routes;
}
