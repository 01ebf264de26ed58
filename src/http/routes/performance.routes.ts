/** /api/performance: the analytics of one mode (the bot's current mode unless ?mode= says otherwise). */
import { Hono } from 'hono';
import type { PipelineControl } from '../../control/pipeline/pipeline.types.js';
import { performanceDailyQuerySchema, performanceQuerySchema, performanceTodayQuerySchema } from '../performance.schema.js';
import { toJson } from '../to-json.js';
import { parseQuery } from './pipeline-params.js';

export function performanceRoutes(pipeline: PipelineControl): Hono {
  const routes = new Hono();

  routes.get('/', async (c) => c.json(toJson(await pipeline.performance(parseQuery(c, performanceQuerySchema)))));

  routes.get('/daily', async (c) => c.json(toJson(await pipeline.performanceDaily(parseQuery(c, performanceDailyQuerySchema)))));

  routes.get('/today', async (c) => c.json(toJson(await pipeline.performanceToday(parseQuery(c, performanceTodayQuerySchema)))));

  return routes;
}
