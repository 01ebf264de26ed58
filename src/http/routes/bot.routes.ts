/**
 * /api/bot: lifecycle actions, status, trading mode and the kill switch's queued flatten. Each
 * handler is validation plus one facade call; refusals come back as values and map to 409/404/503
 * (control-result.ts).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { BOT_ACTIONS, type BotControl } from '../../control/lifecycle/bot-control.types.js';
import { setModeSchema } from '../bot-settings.schema.js';
import { apiCause, respond } from '../control-result.js';
import { printableText } from '../printable-text.js';
import { parseJsonBody } from '../request-body.js';
import { toJson } from '../to-json.js';

/** DELETE /api/bot/flatten-queue: the body is optional; `reason` (why) is journaled with the cancel */
export const cancelFlattenSchema = z.object({ reason: printableText(500).optional() }).strict();

export function botRoutes(control: BotControl): Hono {
  const routes = new Hono();

  for (const action of BOT_ACTIONS) {
    routes.post(`/${action}`, async (c) => respond(c, await control.act(action, apiCause(c))));
  }

  routes.get('/status', async (c) => c.json(toJson(await control.status())));

  // 200 what was cancelled; 404 NOT_FOUND when nothing is queued; 409 ANOTHER_INSTANCE_ACTIVE on a read-only instance
  routes.delete('/flatten-queue', async (c) => {
    const body = (await c.req.text()).trim() === '' ? {} : await parseJsonBody(c, cancelFlattenSchema);
    return respond(c, await control.cancelQueuedFlatten(apiCause(c), body.reason ?? null));
  });

  routes.put('/mode', async (c) => {
    const body = await parseJsonBody(c, setModeSchema);
    return respond(c, await control.setMode(body.mode, body.confirm, apiCause(c)));
  });

  return routes;
}
