/**
 * POST /api/bot/emergency-stop {closePositions}: the kill switch. `closePositions` is required, not
 * defaulted: whether to dump every position must be a decision the caller states.
 * The answer (200) is the kill switch's report (EmergencyStopReport): what was cancelled, what is
 * still open, what was closed, whether the flatten is done or queued for the open, and every
 * position left — an incomplete kill switch is said in the body, not hidden behind a status code.
 * The bot is left halted: POST /api/bot/acknowledge-halt, then start.
 */
import { Hono } from 'hono';
import type { PipelineControl } from '../../control/pipeline/pipeline.types.js';
import { apiCause } from '../control-result.js';
import { parseJsonBody } from '../request-body.js';
import { emergencyStopSchema } from '../signal.schema.js';
import { toJson } from '../to-json.js';

export function emergencyRoutes(pipeline: PipelineControl): Hono {
  const routes = new Hono();
  routes.post('/', async (c) => {
    const body = await parseJsonBody(c, emergencyStopSchema);
    return c.json(toJson(await pipeline.emergencyStop({ closePositions: body.closePositions }, apiCause(c))));
  });
  return routes;
}
