/** /api/bot/config: the whole config (GET) and a strict, partial, all-or-nothing update (PATCH). */
import { Hono } from 'hono';
import type { BotControl } from '../../control/bot-control.types.js';
import { botSettingsPatchSchema } from '../bot-settings.schema.js';
import { apiCause, respond } from '../control-result.js';
import { parseJsonBody } from '../request-body.js';
import { toJson } from '../to-json.js';

export function configRoutes(control: BotControl): Hono {
  const routes = new Hono();
  routes.get('/', async (c) => c.json(toJson(await control.getConfig())));
  routes.patch('/', async (c) => {
    // an invalid patch throws before the facade is called, so nothing changes
    const patch = await parseJsonBody(c, botSettingsPatchSchema);
    return respond(c, await control.patchConfig(patch, apiCause(c)));
  });
  return routes;
}
