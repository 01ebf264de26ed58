/**
 * GET /metrics: the Prometheus text exposition of this Keel instance's registry, behind the same
 * bearer token as the API (a scrape config sets it with `authorization.credentials`). Metrics
 * carry no secret, but equity and P&L are nobody else's business.
 */
import { Hono, type MiddlewareHandler } from 'hono';

export interface MetricsSource {
  scrape(): Promise<string>;
  readonly contentType: string;
}

export function metricsRoutes(metrics: MetricsSource, auth: MiddlewareHandler): Hono {
  const routes = new Hono();
  routes.use('*', auth);
  routes.get('/', async (c) => c.body(await metrics.scrape(), 200, { 'Content-Type': metrics.contentType }));
  return routes;
}
