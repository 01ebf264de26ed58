/**
 * The control API: a thin Hono shell over the BotControl facade.
 * Invariants: every /api/* route (including unknown ones, so routes cannot be probed) needs the
 * bearer token; every error leaves through one handler in one shape; no handler talks to
 * anything but the facade.
 */
import { Hono, type Context, type Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { BotControl } from '../control/bot-control.types.js';
import type { PipelineControl } from '../control/pipeline.types.js';
import { bearerAuth } from './bearer-auth.middleware.js';
import { ApiError, createErrorHandler, notFoundHandler } from './errors.js';
import { botRoutes } from './routes/bot.routes.js';
import { configRoutes } from './routes/config.routes.js';
import { emergencyRoutes } from './routes/emergency.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { performanceRoutes } from './routes/performance.routes.js';
import { reconciliationRoutes } from './routes/reconciliation.routes.js';
import { signalsRoutes } from './routes/signals.routes.js';
import { tradesRoutes } from './routes/trades.routes.js';

const MAX_BODY_BYTES = 64 * 1024;

export interface AppDeps {
  control: BotControl;
  /** signals, trades and the kill switch */
  pipeline: PipelineControl;
  apiToken: string;
  /** false while another Keel instance holds the writer lease: what would trade (signals in, approvals,
   *  the kill switch) answers 409 ANOTHER_INSTANCE_ACTIVE instead of a report that did nothing; default true */
  writes?: () => boolean;
  /** where unexpected errors go (the response itself never carries them); default console.error */
  logError?: (error: unknown) => void;
  /** why Keel is not ready yet (`starting: …`), null once it is: /healthz answers 503 with it until then */
  starting?: () => Promise<string | null>;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono({ strict: false });
  app.onError(createErrorHandler(deps.logError ?? ((error) => console.error('keel http: unexpected error', error))));
  app.notFound(notFoundHandler);

  app.route('/', healthRoutes(deps.control, deps.starting));
  app.use('/api/*', bearerAuth(deps.apiToken));
  // control bodies are a few hundred bytes; refuse anything large before parsing it
  app.use('/api/*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `body exceeds ${MAX_BODY_BYTES} bytes`); } }));
  // config and emergency-stop before bot: they must not be shadowed by the /api/bot sub-app
  app.route('/api/bot/config', configRoutes(deps.control));
  const writes = deps.writes ?? (() => true);
  const writerOnly = async (c: Context, next: Next) => {
    if (c.req.method === 'POST' && !c.req.path.endsWith('/evaluate') && !writes()) {
      throw new ApiError(409, 'ANOTHER_INSTANCE_ACTIVE', 'another Keel instance holds the writer lease on this database: send this to the instance that trades');
    }
    await next();
  };
  for (const path of ['/api/bot/emergency-stop', '/api/signals', '/api/signals/*']) app.use(path, writerOnly);
  app.route('/api/bot/emergency-stop', emergencyRoutes(deps.pipeline));
  app.route('/api/signals', signalsRoutes(deps.pipeline));
  app.route('/api/trades', tradesRoutes(deps.pipeline));
  app.route('/api/performance', performanceRoutes(deps.pipeline));
  app.route('/api/bot', botRoutes(deps.control));
  app.route('/api/reconciliation', reconciliationRoutes(deps.control));
  return app;
}
