/**
 * /api/bot: lifecycle actions, status and trading mode. Each handler is validation plus one
 * facade call; refusals come back as values and map to 409/503 (control-result.ts).
 */
import { Hono } from 'hono';
import { BOT_ACTIONS, type BotControl } from '../../control/bot-control.types.js';
import { setModeSchema } from '../bot-settings.schema.js';
import { apiCause, respond } from '../control-result.js';
import { parseJsonBody } from '../request-body.js';
import { toJson } from '../to-json.js';

export function botRoutes(control: BotControl): Hono {
  const routes = new Hono();

  for (const action of BOT_ACTIONS) {
    routes.post(`/${action}`, async (c) => respond(c, await control.act(action, apiCause(c))));
  }

  routes.get('/status', async (c) => c.json(toJson(await control.status())));

  routes.put('/mode', async (c) => {
    const body = await parseJsonBody(c, setModeSchema);
    return respond(c, await control.setMode(body.mode, body.confirm, apiCause(c)));
  });

  return routes;
}
