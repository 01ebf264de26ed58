/** GET /healthz (no auth): 200 when the database and the broker answer, 503 otherwise. */
import { Hono } from 'hono';
import type { BotControl } from '../../control/bot-control.types.js';
import { errorResponse } from '../errors.js';

export function healthRoutes(control: BotControl): Hono {
  const routes = new Hono();
  routes.get('/healthz', async (c) => {
    try {
      const report = await control.health();
      return c.json(report, report.ok ? 200 : 503);
    } catch {
      // a probe must answer "unhealthy", not 500; the failure's text stays out of an unauthenticated reply
      return errorResponse(c, 503, 'HEALTH_CHECK_FAILED', 'health check failed');
    }
  });
  return routes;
}
