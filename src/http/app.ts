/**
 * The control API: a thin Hono shell over the BotControl facade.
 * Invariants: every /api/* route (including unknown ones, so routes cannot be probed) and
 * /metrics need the bearer token (Prometheus sends it with `authorization.credentials`), except
 * /api/openapi.json (it describes the API, it holds no data) and POST /api/session (signing in);
 * every error leaves through one handler in one shape; no handler talks to anything but the facade.
 */
import { Hono, type Context, type Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { BotControl } from '../control/lifecycle/bot-control.types.js';
import type { PipelineControl } from '../control/pipeline/pipeline.types.js';
import { systemClock } from '../clock/system.clock.js';
import type { Clock } from '../ports/clock.port.js';
import { bearerAuth } from './bearer-auth.middleware.js';
import { createEventHub, type EventHub } from './live/event-hub.js';
import { eventsRoutes } from './routes/events.routes.js';
import { inspectorRoutes, type InspectorRoutesDeps } from './routes/inspector.routes.js';
import { createInspector } from '../service/inspector/inspector.js';
import { sessionRoutes } from './routes/session.routes.js';
import { webRoutes } from './routes/web.routes.js';
import { createSessionStore } from './session-store.js';
import { toJson } from './to-json.js';
import { ApiError, createErrorHandler, notFoundHandler } from './errors.js';
import { botRoutes } from './routes/bot.routes.js';
import { configRoutes } from './routes/config.routes.js';
import { emergencyRoutes } from './routes/emergency.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { metricsRoutes, type MetricsSource } from './routes/metrics.routes.js';
import { performanceRoutes } from './routes/performance.routes.js';
import { reconciliationRoutes } from './routes/reconciliation.routes.js';
import { referenceRoutes } from './routes/reference.routes.js';
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
  /** the live stream's heartbeat; default the system clock */
  clock?: Clock;
  /** a dashboard session's expiry: a person's time, the wall's even when `clock` runs faster (the demo); default `clock` */
  sessionClock?: Clock;
  /** what GET /api/events streams; default a hub nobody publishes to (status heartbeats only) */
  events?: EventHub;
  /** what /api/inspector serves: the inspector the machines' actors report to, and the machines' graphs;
   *  default an inspector nobody reports to and no machines */
  inspector?: Omit<InspectorRoutesDeps, 'clock'>;
  /** GET /metrics serves this registry's Prometheus text (behind the bearer token); absent = no route */
  metrics?: MetricsSource;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono({ strict: false });
  app.onError(createErrorHandler(deps.logError ?? ((error) => console.error('keel http: unexpected error', error))));
  app.notFound(notFoundHandler);

  app.route('/', healthRoutes(deps.control, deps.starting));
  // registered before the token guard: the OpenAPI document and /docs are readable without it
  app.route('/', referenceRoutes());
  app.route('/', webRoutes());
  const clock = deps.clock ?? systemClock;
  const sessions = createSessionStore(deps.sessionClock ?? clock);
  const auth = bearerAuth(deps.apiToken, sessions);
  // signing in is the one /api/* request that arrives without credentials
  app.use('/api/*', (c, next) => (c.req.method === 'POST' && /^\/api\/session\/?$/.test(c.req.path) ? next() : auth(c, next)));
  if (deps.metrics) app.route('/metrics', metricsRoutes(deps.metrics, auth));
  // control bodies are a few hundred bytes; refuse anything large before parsing it
  app.use('/api/*', bodyLimit({ maxSize: MAX_BODY_BYTES, onError: () => { throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `body exceeds ${MAX_BODY_BYTES} bytes`); } }));
  // config and emergency-stop before bot: they must not be shadowed by the /api/bot sub-app
  app.route('/api/session', sessionRoutes(deps.apiToken, sessions));
  app.route('/api/events', eventsRoutes({ hub: deps.events ?? createEventHub(), clock, status: async () => toJson(await deps.control.status()) }));
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
  app.route('/api/inspector', inspectorRoutes({ clock, ...(deps.inspector ?? { inspector: createInspector({ clock }), machines: async () => [] }) }));
  return app;
}
