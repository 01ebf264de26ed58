/** GET /api/reconciliation: the last startup reconciliation diff, 404 until one has run. */
import { Hono } from 'hono';
import type { BotControl } from '../../control/lifecycle/bot-control.types.js';
import { ApiError } from '../errors.js';
import { toJson } from '../to-json.js';

export function reconciliationRoutes(control: BotControl): Hono {
  const routes = new Hono();
  routes.get('/', async (c) => {
    const report = await control.lastReconciliation();
    if (!report) throw new ApiError(404, 'NOT_FOUND', 'no reconciliation has run yet');
    return c.json(toJson(report));
  });
  return routes;
}
