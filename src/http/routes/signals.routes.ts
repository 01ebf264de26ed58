/**
 * /api/signals: intake (202 at once; execution never blocks ingestion), the signal log, and the
 * semi-auto approvals. Validation plus one PipelineControl call per handler.
 */
import { Hono } from 'hono';
import type { PipelineControl } from '../../control/pipeline/pipeline.types.js';
import { apiCause, respond } from '../control-result.js';
import { ApiError } from '../errors.js';
import { parseJsonBody } from '../request-body.js';
import { approveBodySchema, invalidateBodySchema, rejectBodySchema, SIGNAL_ID, signalInputSchema, signalQuerySchema } from '../signal.schema.js';
import { toJson } from '../to-json.js';
import { parseOptionalBody, parseQuery, withCursorCheck } from './pipeline-params.js';

/** an id that cannot exist answers like one that does not */
function signalId(raw: string): string {
  if (!SIGNAL_ID.test(raw)) throw new ApiError(404, 'NOT_FOUND', 'no such signal');
  return raw;
}

export function signalsRoutes(pipeline: PipelineControl): Hono {
  const routes = new Hono();

  routes.post('/', async (c) => {
    const input = await parseJsonBody(c, signalInputSchema);
    return c.json(toJson(await pipeline.ingestSignal(input)), 202);
  });

  // the what-if: every check's verdict and the size, nothing stored or sent
  routes.post('/evaluate', async (c) => {
    const input = await parseJsonBody(c, signalInputSchema);
    return c.json(toJson(await pipeline.evaluateSignal(input)));
  });

  routes.get('/', async (c) => {
    const query = parseQuery(c, signalQuerySchema);
    return c.json(toJson(await withCursorCheck(() => pipeline.listSignals(query))));
  });

  routes.get('/:id', async (c) => {
    const record = await pipeline.getSignal(signalId(c.req.param('id')));
    if (!record) throw new ApiError(404, 'NOT_FOUND', 'no such signal');
    return c.json(toJson(record));
  });

  routes.post('/:id/approve', async (c) => {
    const id = signalId(c.req.param('id'));
    await parseOptionalBody(c, approveBodySchema);
    return respond(c, await pipeline.approveSignal(id, apiCause(c)));
  });

  routes.post('/:id/invalidate', async (c) => {
    const id = signalId(c.req.param('id'));
    const body = await parseJsonBody(c, invalidateBodySchema);
    return respond(c, await pipeline.invalidateSignal(id, body.reason, apiCause(c)));
  });

  routes.post('/:id/reject', async (c) => {
    const id = signalId(c.req.param('id'));
    const body = await parseOptionalBody(c, rejectBodySchema);
    return respond(c, await pipeline.rejectSignal(id, body.note ?? null, apiCause(c)));
  });

  return routes;
}
