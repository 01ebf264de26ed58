/**
 * GET /healthz (no auth): 200 when Keel is ready and the database and the broker answer, 503
 * otherwise. While Keel is still starting (taking the writer lease, connecting the broker,
 * reconciling a restored 'running') the 503 says so in `starting` ("starting: …"), so a probe or
 * an operator sees why instead of waiting on a silent process.
 */
import { Hono } from 'hono';
import type { BotControl } from '../../control/lifecycle/bot-control.types.js';
import { errorResponse } from '../errors.js';

export function healthRoutes(control: BotControl, starting: () => Promise<string | null> = async () => null): Hono {
  const routes = new Hono();
  routes.get('/healthz', async (c) => {
    try {
      const [why, report] = await Promise.all([starting(), control.health()]);
      if (why !== null) return c.json({ ...report, ok: false, starting: why }, 503);
      return c.json(report, report.ok ? 200 : 503);
    } catch {
      // a probe must answer "unhealthy", not 500; the failure's text stays out of an unauthenticated reply
      return errorResponse(c, 503, 'HEALTH_CHECK_FAILED', 'health check failed');
    }
  });
  return routes;
}
