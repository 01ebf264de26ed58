/**
 * Every route of the control API as the OpenAPI document describes it: one entry per method and
 * path. A route added to the app without an entry here fails tests/http/openapi-coverage.test.ts,
 * which names it. The request schemas are the ones the routes validate with.
 */
import { BOT_ACTIONS } from '../../control/lifecycle/bot-control.types.js';
import { setModeSchema, botSettingsPatchSchema, botSettingsSchema } from '../bot-settings.schema.js';
import { cancelFlattenSchema } from '../routes/bot.routes.js';
import { signInSchema } from '../routes/session.routes.js';
import { performanceDailyQuerySchema, performanceQuerySchema, performanceTodayQuerySchema } from '../performance.schema.js';
import { approveBodySchema, emergencyStopSchema, invalidateBodySchema, rejectBodySchema, signalInputSchema, signalQuerySchema, tradeQuerySchema } from '../signal.schema.js';
import { INSPECTOR_OPERATIONS } from './inspector-operations.js';
import { refused, type ApiOperation } from './openapi-operation.js';
import * as ex from './openapi-examples.js';
import * as s from './response.schemas.js';

/** request bodies named in the document's components */
export const REQUEST_COMPONENTS = {
  SignalInput: signalInputSchema, BotSettings: botSettingsSchema, BotSettingsPatch: botSettingsPatchSchema, SetMode: setModeSchema, EmergencyStop: emergencyStopSchema,
  CancelFlatten: cancelFlattenSchema, SignIn: signInSchema, ApproveSignal: approveBodySchema, RejectSignal: rejectBodySchema, InvalidateSignal: invalidateBodySchema,
};

const state409 = (what: string) => refused('INVALID_TRANSITION', 'cannot start while running; allowed: pause, stop', what);
const status200 = { description: 'the bot after the change', schema: s.botStatusSchema, example: ex.statusExample };

const BOT_ACTION_TEXT: Record<(typeof BOT_ACTIONS)[number], string> = {
  start: 'stopped → running, after a successful reconciliation with the broker',
  pause: 'running → paused: no new entries; open positions are still watched and exited',
  resume: 'paused → running',
  stop: 'running or paused → stopped: no activity at all',
  'acknowledge-halt': 'halted → stopped (then start again)',
};

export const API_OPERATIONS: ApiOperation[] = [
  {
    method: 'get', path: '/healthz', tag: 'health', public: true, summary: 'Readiness: database and broker reachable',
    responses: {
      200: { description: 'ready; database and broker answer', schema: s.healthSchema, example: ex.healthExample },
      503: { description: 'not ready: a dependency is down, Keel is still starting (`starting` names the step), or the check itself failed (HEALTH_CHECK_FAILED)', schema: s.healthUnavailableSchema,
        example: { ...ex.healthExample, ok: false, starting: 'starting: reconciling with the broker before running again' } },
    },
  },
  {
    method: 'get', path: '/api/openapi.json', tag: 'reference', public: true, summary: 'This document (OpenAPI 3.1)',
    description: 'Describes the API; it exposes no data, so it is readable without the token.',
    responses: { 200: { description: 'the OpenAPI 3.1 document', schema: s.openApiDocumentSchema } },
  },
  {
    method: 'get', path: '/metrics', tag: 'reference', summary: 'Prometheus metrics (text exposition format)',
    description: 'The same bearer token as the API (a scrape config sets it with `authorization.credentials`). No label carries a symbol or an id.',
    responses: { 200: { description: 'the metrics of this Keel instance', mediaType: 'text/plain' } },
  },
  {
    method: 'get', path: '/docs', tag: 'reference', public: true, summary: 'The API reference page (works offline)',
    responses: { 200: { description: 'an HTML page rendering this document; every asset comes from Keel itself', mediaType: 'text/html' } },
  },
  {
    method: 'get', path: '/docs/:asset', tag: 'reference', public: true, summary: "The reference page's script and style sheet",
    params: { asset: 'docs.js or docs.css' },
    responses: { 200: { description: 'the asset', mediaType: 'text/plain' }, 404: refused('NOT_FOUND', 'no such asset', 'no such asset') },
  },
  {
    method: 'get', path: '/', tag: 'dashboard', public: true, summary: 'The dashboard (sign in with the API token)',
    responses: { 200: { description: 'the page; its modules come from /web and /vendor', mediaType: 'text/html' } },
  },
  ...(['web', 'vendor'] as const).map((dir): ApiOperation => ({
    method: 'get', path: `/${dir}/:file`, tag: 'dashboard', public: true, params: { file: 'a file of the page (an allow-list: nothing else is served)' },
    summary: dir === 'web' ? "The dashboard's own modules and style sheet" : 'The libraries the dashboard imports (Preact, htm, signals), served from Keel',
    responses: { 200: { description: 'the file', mediaType: 'text/javascript' }, 404: refused('NOT_FOUND', 'no such file', 'not on the list') },
  })),
  {
    method: 'post', path: '/api/session', tag: 'session', public: true, summary: 'Sign in: the API token for a session cookie',
    description: 'Sets an HttpOnly, SameSite=Strict cookie. A cookie request that changes something must also carry `X-Keel-Request: 1` and no foreign Origin (403 CROSS_SITE_REQUEST).',
    body: { schema: signInSchema, example: { token: '<the API token>' } },
    responses: {
      200: { description: 'signed in; the cookie is set', schema: s.signedInSchema, example: { signedIn: true } },
      401: refused('UNAUTHORIZED', "that is not this Keel's API token", 'a wrong token'),
    },
  },
  {
    method: 'get', path: '/api/session', tag: 'session', summary: 'Whether the caller is signed in, and how',
    responses: { 200: { description: 'signed in', schema: s.sessionSchema, example: { signedIn: true, via: 'session' } } },
  },
  {
    method: 'delete', path: '/api/session', tag: 'session', summary: 'Sign out (the cookie is cleared)',
    responses: { 204: { description: 'signed out', mediaType: null } },
  },
  {
    method: 'get', path: '/api/events', tag: 'session', summary: 'Live updates (server-sent events)',
    description: '`status` (the bot status) on connect, on every change and every 5 s; `signal` and `trade` (ids) when one changes; `positions` at most twice a second while a price moves (`items`: the open positions whose last tick changed — id, lastPrice, lastPriceAt, unrealizedPnl, unrealizedPnlPct, peakPrice, trailingStopPrice, state — merged by id into `/api/trades/active`); `reset` when a `Last-Event-ID` is no longer held (reload everything). Event ids increase; send `Last-Event-ID` to resume.',
    responses: { 200: { description: 'a text/event-stream', mediaType: 'text/event-stream' } },
  },
  {
    method: 'get', path: '/api/bot/status', tag: 'bot', summary: 'Lifecycle state, mode, today’s P&L and what may be done next',
    responses: { 200: { description: 'the bot now', schema: s.botStatusSchema, example: ex.statusExample } },
  },
  ...BOT_ACTIONS.map((action): ApiOperation => ({
    method: 'post', path: `/api/bot/${action}`, tag: 'bot', summary: BOT_ACTION_TEXT[action],
    responses: {
      200: status200,
      409: state409('refused: not allowed in this state (INVALID_TRANSITION, with state and allowed), reconciliation failed (NOT_RECONCILED, BROKER_UNREACHABLE), a kill switch flatten is queued (FLATTEN_QUEUED, start and resume)'),
    },
  })),
  {
    method: 'put', path: '/api/bot/mode', tag: 'bot', summary: 'Switch paper ⇄ live',
    description: 'Only while stopped with no open or pending trade; live needs live keys and `"confirm": "live"`.',
    body: { schema: setModeSchema, example: { mode: 'live', confirm: 'live' } },
    responses: { 200: status200, 409: refused('OPEN_POSITIONS', 'cannot change the mode while a trade is open or pending', 'refused: OPEN_POSITIONS, CONFIRMATION_REQUIRED, LIVE_CREDENTIALS_MISSING, INVALID_TRANSITION') },
  },
  {
    method: 'delete', path: '/api/bot/flatten-queue', tag: 'bot', summary: "Withdraw the kill switch's flatten queued for the open",
    description: 'The body is optional; positions stay open. Journaled with the route and the reason.',
    body: { schema: cancelFlattenSchema, example: { reason: 'flattening by hand instead' }, optional: true },
    responses: {
      200: { description: 'what was withdrawn and the bot after it', schema: s.cancelledFlattenSchema,
        example: { queuedAt: 1_767_391_200_000, cancelledAt: 1_767_391_260_000, reason: 'flattening by hand instead', status: ex.statusExample } },
      404: refused('NOT_FOUND', 'no flatten is queued: nothing to cancel', 'none is queued (already run, or never queued)'),
      409: refused('ANOTHER_INSTANCE_ACTIVE', 'another Keel instance holds the writer lease on this database', 'this instance is read-only'),
    },
  },
  {
    method: 'get', path: '/api/bot/config', tag: 'config', summary: 'Every trading setting',
    responses: { 200: { description: 'the whole config', schema: s.botConfigSchema, example: ex.configExample } },
  },
  {
    method: 'patch', path: '/api/bot/config', tag: 'config', summary: 'Change settings (partial, all or nothing)',
    description: 'Unknown or invalid fields answer 400 listing every problem; nothing changes then.',
    body: { schema: botSettingsPatchSchema, example: { executionMode: 'full_auto', positionSizeUsd: '250.00', trailingStopPct: 3 } },
    responses: { 200: { description: 'the whole config after the change', schema: s.botConfigSchema, example: ex.configExample } },
  },
  {
    method: 'put', path: '/api/bot/config', tag: 'config', summary: 'Replace every setting (all required, all or nothing)',
    description: 'The whole configuration: a missing, unknown or invalid field answers 400 listing every problem; nothing changes then. PATCH is the partial update.',
    body: { schema: botSettingsSchema, example: ex.settingsExample },
    responses: { 200: { description: 'the whole config after the change', schema: s.botConfigSchema, example: ex.configExample } },
  },
  {
    method: 'post', path: '/api/bot/emergency-stop', tag: 'bot', writerOnly: true, summary: 'The kill switch',
    description: 'Halts first, cancels every open order, optionally flattens Keel’s positions (queued for the open outside market hours), and reports exactly what was cancelled, closed and left.',
    body: { schema: emergencyStopSchema, example: { closePositions: true } },
    responses: { 200: { description: 'the kill switch’s report; the bot stays halted until acknowledge-halt', schema: s.emergencyStopReportSchema, example: ex.emergencyStopExample } },
  },
  {
    method: 'get', path: '/api/reconciliation', tag: 'bot', summary: 'The last startup reconciliation (journal against broker)',
    responses: {
      200: { description: 'the typed diff', schema: s.reconciliationSchema, example: ex.reconciliationExample },
      404: refused('NOT_FOUND', 'no reconciliation has run yet', 'none has run yet'),
    },
  },
  {
    method: 'post', path: '/api/signals', tag: 'signals', writerOnly: true, summary: 'Submit a buy signal',
    description: 'Answers at once (202), never after a broker call. A repeated id gets the same answer and never a second order.',
    body: { schema: signalInputSchema, example: ex.signalExample },
    responses: { 202: { description: 'the decision, or `received` while it waits for a broker read', schema: s.signalAnswerSchema, example: { signalId: 'scanner-2026-01-02-ABCD', outcome: 'fired' } } },
  },
  {
    method: 'post', path: '/api/signals/evaluate', tag: 'signals', summary: 'What-if: every check and the size, nothing stored or sent',
    body: { schema: signalInputSchema, example: ex.signalExample },
    responses: { 200: { description: 'what Keel would decide now', schema: s.signalEvaluationSchema, example: ex.evaluationExample } },
  },
  {
    method: 'get', path: '/api/signals', tag: 'signals', summary: 'The signal log, newest first', query: signalQuerySchema,
    responses: { 200: { description: 'one page', schema: s.signalPageSchema, example: { items: [ex.signalRecordExample], nextCursor: null } } },
  },
  {
    method: 'get', path: '/api/signals/:id', tag: 'signals', summary: 'One signal with its verdicts and size', params: { id: 'the signal id' },
    responses: {
      200: { description: 'the signal', schema: s.signalRecordSchema, example: ex.signalRecordExample },
      404: refused('NOT_FOUND', 'no such signal', 'no such signal'),
    },
  },
  ...(['approve', 'reject'] as const).map((verb): ApiOperation => ({
    method: 'post', path: `/api/signals/:id/${verb}`, tag: 'signals', writerOnly: true, params: { id: 'the signal id' },
    summary: verb === 'approve' ? 'Semi-auto: approve a pending signal (re-checked on a fresh price, then fired)' : 'Semi-auto: reject a pending signal',
    body: verb === 'approve'
      ? { schema: approveBodySchema, example: {}, optional: true }
      : { schema: rejectBodySchema, example: { note: 'spread too wide' }, optional: true },
    responses: {
      200: { description: 'the outcome', schema: s.signalAnswerSchema, example: { signalId: 'scanner-2026-01-02-ABCD', outcome: verb === 'approve' ? 'approved' : 'rejected' } },
      404: refused('NOT_FOUND', 'no such signal', 'no such signal'),
      409: refused('SIGNAL_NOT_PENDING', 'signal scanner-2026-01-02-ABCD is not pending (expired)', 'not pending (SIGNAL_NOT_PENDING), or this instance is read-only (ANOTHER_INSTANCE_ACTIVE)'),
    },
  })),
  {
    method: 'post', path: '/api/signals/:id/invalidate', tag: 'signals', writerOnly: true, params: { id: 'the signal id' },
    summary: 'The signal no longer holds: a pending approval is rejected, a working entry cancelled, an open trade sold (exit reason signal_invalidated)',
    body: { schema: invalidateBodySchema, example: { reason: 'the FDA news was retracted' } },
    responses: {
      200: { description: 'what Keel did', schema: s.invalidationSchema, example: { signalId: 'scanner-2026-01-02-ABCD', action: 'exiting', tradeId: 'trd_01', reason: 'the FDA news was retracted' } },
      404: refused('NOT_FOUND', 'no signal scanner-2026-01-02-ABCD', 'no such signal'),
      409: refused('SIGNAL_NOT_LIVE', "signal scanner-2026-01-02-ABCD's trade is closed (profit_target): nothing to invalidate",
        'nothing live to act on (SIGNAL_NOT_LIVE), no position actor holds the trade: the bot is stopped (POSITION_UNATTENDED), or this instance is read-only (ANOTHER_INSTANCE_ACTIVE)'),
    },
  },
  {
    method: 'get', path: '/api/trades', tag: 'trades', summary: 'Trades, newest first', query: tradeQuerySchema,
    description: '`from` and `to` bound the creation time (RFC 3339 or epoch milliseconds, inclusive).',
    responses: { 200: { description: 'one page', schema: s.tradePageSchema, example: { items: [ex.tradeExample], nextCursor: null } } },
  },
  {
    method: 'get', path: '/api/trades/active', tag: 'trades', summary: 'Open positions with the levels their exits are armed with now',
    responses: { 200: { description: 'every open or exiting trade, oldest entry first', schema: s.activeTradesSchema } },
  },
  {
    method: 'get', path: '/api/trades/:id', tag: 'trades', summary: 'One trade with its provenance', params: { id: 'the trade id' },
    responses: {
      200: { description: 'the trade, its signal, every verdict, its journal and hold time', schema: s.tradeDetailSchema, example: ex.tradeDetailExample },
      404: refused('NOT_FOUND', 'no such trade', 'no such trade'),
    },
  },
  {
    method: 'get', path: '/api/performance', tag: 'performance', summary: 'Is it making money: summary, equity curve and breakdowns of one mode',
    description: 'New York dates, inclusive (default: the 30 days ending today); mode defaults to the current one. strategy, catalystType and symbol narrow the trade figures; drawdown, the ratios, returnPct and the curve describe the whole account of that mode.',
    query: performanceQuerySchema,
    responses: { 200: { description: 'the figures', schema: s.performanceSchema } },
  },
  {
    method: 'get', path: '/api/performance/daily', tag: 'performance', summary: 'One row per trading day with a snapshot or a trade',
    query: performanceDailyQuerySchema,
    responses: { 200: { description: 'the days, oldest first', schema: s.dailyPerformanceSchema } },
  },
  {
    method: 'get', path: '/api/performance/today', tag: 'performance', summary: "Today's row, live: plus unrealized P&L, open positions and equity (from memory, never a broker call)",
    query: performanceTodayQuerySchema,
    responses: { 200: { description: 'today so far', schema: s.todayPerformanceSchema } },
  },
  ...INSPECTOR_OPERATIONS,
];
