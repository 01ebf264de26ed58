/** /api/trades: the journal's read side, a paged list, the open positions as armed now, and one trade with its provenance. */
import { Hono } from 'hono';
import type { PipelineControl } from '../../control/pipeline/pipeline.types.js';
import { ApiError } from '../errors.js';
import { tradeQuerySchema } from '../signal.schema.js';
import { toJson } from '../to-json.js';
import { parseQuery, withCursorCheck } from './pipeline-params.js';

export function tradesRoutes(pipeline: PipelineControl): Hono {
  const routes = new Hono();

  routes.get('/', async (c) => {
    const query = parseQuery(c, tradeQuerySchema);
    return c.json(toJson(await withCursorCheck(() => pipeline.listTrades(query))));
  });

  // before /:id, which would take 'active' for an id
  routes.get('/active', async (c) => c.json(toJson({ items: await pipeline.activeTrades() })));

  routes.get('/:id', async (c) => {
    const detail = await pipeline.getTrade(c.req.param('id'));
    if (!detail) throw new ApiError(404, 'NOT_FOUND', 'no such trade');
    return c.json(toJson(detail));
  });

  return routes;
}
