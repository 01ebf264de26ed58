/**
 * The control API's answers as zod schemas: the OpenAPI document is generated from them, and the
 * HTTP tests validate every JSON response they see against it. They describe the wire form
 * (to-json.ts): Decimals are decimal strings, instants are epoch milliseconds, absent values null.
 * Objects are strict, so a field added to an answer without being described here fails a test.
 * The compile-time guards at the end tie each schema to the domain type it describes. Signals and
 * trades (signal-trade.schemas.ts) and the performance answers (performance.schemas.ts) live beside
 * it with their own guards, the wire helpers in wire.schemas.ts; RESPONSE_COMPONENTS names them all.
 */
import { z } from 'zod';
import { BOT_ACTIONS, type BotStatus, type CancelledFlatten, type HealthReport } from '../../control/lifecycle/bot-control.types.js';
import type { EmergencyStopReport } from '../../control/pipeline/pipeline.types.js';
import { BOT_STATES, BREAKER_LEVELS, EXECUTION_MODES, SIZING_MODES, TRADING_MODES, type BotConfig } from '../../domain/bot-config.js';
import { STATE_REASON_CODES } from '../../domain/state-reason.js';
import { STREAM_HEALTH } from '../../domain/stream-health.js';
import type { ReconciliationReport } from '../../domain/reconciliation.js';
import {
  denialSchema, journalEntrySchema, signalAnswerSchema, signalEvaluationSchema, signalPageSchema, signalRecordSchema, sizeSchema, tradeDetailSchema,
  tradePageSchema, tradeSchema, verdictSchema,
} from './signal-trade.schemas.js';
import { dailyPerformanceSchema, dailyRowSchema, performanceSchema, performanceSummarySchema, todayPerformanceSchema } from './performance.schemas.js';
import { decimalString, epochMs, nullable, type Covers } from './wire.schemas.js';

export * from './performance.schemas.js';
export * from './signal-trade.schemas.js';
export { decimalString } from './wire.schemas.js';

export const errorSchema = z
  .strictObject({
    error: z.looseObject({
      code: z.string().meta({ description: 'stable, machine-readable: UNAUTHORIZED, VALIDATION_FAILED, NOT_FOUND, PAYLOAD_TOO_LARGE, INTERNAL, HEALTH_CHECK_FAILED, ANOTHER_INSTANCE_ACTIVE, INVALID_TRANSITION, FLATTEN_QUEUED, …' }),
      message: z.string().meta({ description: 'one line a person understands' }),
      issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional()
        .meta({ description: 'VALIDATION_FAILED: every problem of the request, one per field ("" = the body itself)' }),
    }).meta({ description: 'code and message, plus the details of the refusal (e.g. state and allowedActions)' }),
  });

export const healthSchema = z
  .strictObject({
    ok: z.boolean(),
    database: z.strictObject({ ok: z.boolean(), error: nullable(z.string()) }),
    broker: z.strictObject({ ok: z.boolean(), error: nullable(z.string()) }),
    starting: z.string().optional().meta({ description: 'while Keel is still starting: the step it is on ("starting: …")' }),
  });

/** /healthz's 503: the report with what is down (and `starting`), or HEALTH_CHECK_FAILED when the check itself failed */
export const healthUnavailableSchema = z.union([healthSchema, errorSchema]);

/** GET /api/openapi.json: described only as far as a client needs to know it got the document */
export const openApiDocumentSchema = z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });

export const signedInSchema = z.strictObject({ signedIn: z.literal(true) });
export const sessionSchema = z.strictObject({ signedIn: z.literal(true), via: z.enum(['bearer', 'session']) });

export const stuckExitSchema = z.strictObject({
  tradeId: z.string(),
  symbol: z.string(),
  since: epochMs,
  reason: z.enum(['gave_up', 'too_long']),
  detail: z.string(),
});

export const accountSummarySchema = z.strictObject({
  equity: decimalString,
  cash: decimalString,
  buyingPower: decimalString.meta({ description: "the broker's figure at asOf (entries reserved since are not subtracted)" }),
  longMarketValue: nullable(decimalString),
  unrealizedPnl: nullable(decimalString).meta({ description: "Keel's open positions at their last prices; null while nothing watches them (stopped with positions open)" }),
  exposurePct: nullable(z.number()).meta({ description: 'long market value ÷ equity × 100, 4 decimals; null when either is unknown or equity ≤ 0' }),
  asOf: epochMs,
});

const streamHealthSchema = z.enum(STREAM_HEALTH)
  .meta({ description: "live; reconnecting (connecting or catching up, it retries by itself); down (it gave up: fatal, or the catch-up failed); off (not running)" });

export const botStatusSchema = z
  .strictObject({
    state: z.enum(BOT_STATES),
    stateReason: z.strictObject({
      code: z.enum(STATE_REASON_CODES).meta({ description: '`manual` (the trader), STARTUP, CIRCUIT_BREAKER, DAILY_LOSS_LIMIT, WIN_RATE_BELOW_MIN, KILL_SWITCH, WATCHDOG' }),
      detail: nullable(z.string()).meta({ description: "the safety layer's own words; null for the trader's action" }),
      since: nullable(epochMs).meta({ description: 'when the state was entered; null = unknown' }),
    }).meta({ description: 'why the bot is in its state, and since when' }),
    starting: z.boolean().meta({ description: 'a start (or a restored running) waits for reconciliation' }),
    mode: z.enum(TRADING_MODES),
    executionMode: z.enum(EXECUTION_MODES),
    reconciled: z.boolean(),
    openPositionCount: z.number().int(),
    todayRealizedPnl: decimalString,
    todayTradeCount: z.number().int(),
    marketOpen: nullable(z.boolean()).meta({ description: 'null when the broker cannot be reached (kept for compatibility: market.open is the same)' }),
    market: z.strictObject({
      open: nullable(z.boolean()),
      nextOpen: nullable(epochMs).meta({ description: 'the next session open' }),
      nextClose: nullable(epochMs).meta({ description: "the next session close (today's while open)" }),
    }).meta({ description: 'the broker clock as cached (never a broker call per request); all null when the broker cannot be reached' }),
    forceCloseAt: nullable(epochMs).meta({ description: "today's force close of every open position (eodForceCloseTime, at the latest 15 minutes before an early close); null while the market is closed or unknown" }),
    breaker: z.enum(BREAKER_LEVELS),
    allowedActions: z.array(z.enum(BOT_ACTIONS)),
    flattenQueuedAt: nullable(epochMs).meta({ description: 'when a kill switch queued its flatten for the open; null = none queued' }),
    // the writing instance adds these
    account: nullable(accountSummarySchema).optional()
      .meta({ description: "the account as of the account cache's last read (never a broker call per request); null until the first read" }),
    unattendedPositions: z.number().int().optional().meta({ description: 'live trades no position actor watches' }),
    stuckExits: z.array(stuckExitSchema).optional(),
    streams: z.strictObject({ tradeUpdates: streamHealthSchema, marketData: streamHealthSchema }).optional()
      .meta({ description: "the broker streams' connections: the trade stream is live only once its catch-up after a connect finished" }),
    brokerRateLimitedUntil: nullable(epochMs).optional().meta({ description: "until when requests to Alpaca wait for its rate-limit window; null = none" }),
  });

export const cancelledFlattenSchema = z
  .strictObject({ queuedAt: epochMs, cancelledAt: epochMs, reason: nullable(z.string()), status: botStatusSchema });

export const botConfigSchema = z
  .strictObject({
    state: z.enum(BOT_STATES),
    mode: z.enum(TRADING_MODES),
    updatedAt: epochMs,
    enabled: z.boolean(),
    executionMode: z.enum(EXECUTION_MODES),
    positionSizeUsd: decimalString,
    confidenceMultiplierHigh: z.number(),
    confidenceMultiplierMed: z.number(),
    confidenceMultiplierLow: z.number(),
    tradeSizeStars3: decimalString,
    tradeSizeStars4: decimalString,
    tradeSizeStars5: decimalString,
    sizingMode: z.enum(SIZING_MODES),
    riskPctPerTrade: z.number(),
    maxPerTradeUsd: decimalString,
    maxConcurrentPositions: nullable(z.number().int()),
    maxTradesPerDay: z.number().int(),
    dailyLossLimitUsd: decimalString,
    maxPortfolioAllocationPct: z.number(),
    maxTotalInvestedPct: z.number(),
    minWinRate: nullable(z.number()).meta({ description: 'the win-rate guard pauses below this rate over the last minWinRateLookback closed trades; null = off' }),
    minWinRateLookback: z.number().int(),
    minConfidence: z.number(),
    hardStopLossPct: z.number(),
    profitTargetPct: z.number(),
    trailingStopPct: nullable(z.number()),
    maxHoldDurationSec: z.number().int(),
    eodForceCloseTime: z.string(),
    enabledCatalystTiers: z.array(z.number().int()),
    enabledStrategies: z.array(z.string()),
    maxFloatShares: z.number().int(),
    maxSharePrice: decimalString,
    minRelativeVolume: z.number(),
    circuitBreakerWarnPct: z.number(),
    circuitBreakerPausePct: z.number(),
    circuitBreakerHaltPct: z.number(),
    autoResumeNextDay: z.boolean(),
    maxRoundTripsPerDay: nullable(z.number().int()),
    approvalTtlMinutes: z.number().int(),
    exitOverrides: z.record(z.string(), z.strictObject({
      hardStopLossPct: z.number().optional(), profitTargetPct: z.number().optional(), trailingStopPct: nullable(z.number()).optional(), maxHoldSec: z.number().int().optional(),
    })).meta({ description: "catalyst type → its own exit settings (any of the four), frozen on a trade when its signal fires; a signal's own stopLossPrice / takeProfitPrice come before them" }),
    entryOrderType: z.enum(['notional_market', 'bracket']).meta({ description: "bracket: whole shares with take-profit and stop-loss legs at the trade's levels when the signal's price is known and buys at least one share, else the notional market buy" }),
    entryLimitOffsetPct: nullable(z.number()).meta({ description: "a bracket entry as a limit at the signal's price + this percent; null = a market entry" }),
    brokerStopMode: z.enum(['hard_stop', 'off']).meta({ description: "hard_stop: every open position also has a sell stop at the broker at its hard-stop level (it protects the position while Keel is down); off: Keel's own monitor only" }),
  });

export const findingSchema = z
  .looseObject({ kind: z.string().meta({ description: 'closed_at_broker, missing_at_broker, imported_broker_position, quantity_mismatch, pending_entry_filled, pending_entry_working, pending_entry_cancelled, pending_entry_not_found, unowned_open_order' }) })
  .meta({ description: 'one difference between the journal and the broker; the other fields depend on kind' });

export const reconciliationSchema = z
  .strictObject({
    startedAt: epochMs,
    finishedAt: epochMs,
    ok: z.boolean(),
    error: nullable(z.string()),
    findings: z.array(findingSchema),
    journalLiveTrades: z.number().int(),
    brokerPositions: z.number().int(),
    brokerOpenOrders: z.number().int(),
  });

export const emergencyStopReportSchema = z
  .strictObject({
    cancelledOrders: z.array(z.strictObject({ orderId: z.string(), status: z.number().int(), error: nullable(z.string()) })),
    cancelled: z.array(z.string()),
    stillOpen: z.array(z.string()),
    closed: z.array(z.string()),
    closing: z.array(z.string()),
    failed: z.array(z.strictObject({ tradeId: z.string(), error: z.string() })),
    flatten: z.enum(['done', 'queued_for_open', 'not_requested', 'incomplete']),
    left: z.array(z.strictObject({ symbol: z.string(), qty: decimalString, owner: z.enum(['keel', 'external']), tradeId: z.string().optional() })),
    state: z.enum(BOT_STATES),
    problems: z.array(z.string()),
  });

export const invalidationSchema = z.strictObject({
  signalId: z.string(),
  action: z.enum(['rejected', 'cancelling_entry', 'exiting']).meta({ description: 'rejected: it waited for approval; cancelling_entry: its entry order is being cancelled (a part that fills is sold); exiting: its position is being sold' }),
  tradeId: nullable(z.string()),
  reason: z.string(),
});

const source = z.enum(['signal', 'catalyst', 'settings']);
export const levelSourcesSchema = z.strictObject({ stop: source, target: source, trailingStop: source, maxHold: source })
  .meta({ description: "where each exit level comes from: the signal's own stopLossPrice / takeProfitPrice, its catalyst type's override (exitOverrides, frozen at entry), or the settings (live)" });

export const activeTradeSchema = z.strictObject({
  id: z.string(), symbol: z.string(), shares: nullable(decimalString), entryPrice: nullable(decimalString), entryAt: nullable(epochMs),
  lastPrice: nullable(decimalString).meta({ description: 'the last print the exit rules evaluated' }), lastPriceAt: nullable(epochMs),
  unrealizedPnl: nullable(decimalString), unrealizedPnlPct: nullable(z.number()).meta({ description: 'percent of the entry, 4 decimals' }),
  peakPrice: nullable(decimalString), stopPrice: nullable(decimalString), targetPrice: nullable(decimalString),
  targetAtBroker: z.boolean().meta({ description: "the target is a bracket's take-profit leg resting at the broker (a limit: it sells at the target or better); Keel's own monitor does not sell there while the leg works" }),
  trailingStopPrice: nullable(decimalString).meta({ description: 'null when the trailing stop is off' }),
  maxHoldUntil: nullable(epochMs), forceCloseAt: nullable(epochMs),
  state: z.enum(['open', 'exiting']),
  brokerStop: z.strictObject({
    state: nullable(z.enum(['syncing', 'protected', 'unprotected', 'retryWait'])).meta({ description: 'syncing: being placed or replaced; protected: live at the broker; unprotected: none to place now (see why); retryWait: refused, tried again shortly; null: no actor holds the trade open' }),
    clientOrderId: nullable(z.string()), orderId: nullable(z.string()), stopPrice: nullable(decimalString), qty: nullable(decimalString),
    note: nullable(z.string()).meta({ description: "what the stop does not cover (a fractional remainder the broker refused: Keel's monitor alone protects it)" }),
    why: nullable(z.string()).meta({ description: 'why there is no stop now' }),
  }).meta({ description: 'the protective sell stop at the broker (brokerStopMode hard_stop)' }),
  levelSources: levelSourcesSchema,
}).meta({ description: 'an open or exiting trade with the levels its position is armed with now; null where not armed (exiting, or no position actor: stopped, or another instance writes)' });

export const activeTradesSchema = z.strictObject({ items: z.array(activeTradeSchema) });

/** named in the document's components (nested uses become $refs) */
export const RESPONSE_COMPONENTS = {
  Error: errorSchema, SignedIn: signedInSchema, Session: sessionSchema, Health: healthSchema, HealthUnavailable: healthUnavailableSchema, OpenApiDocument: openApiDocumentSchema, BotStatus: botStatusSchema, AccountSummary: accountSummarySchema, StuckExit: stuckExitSchema, CancelledFlatten: cancelledFlattenSchema,
  BotConfig: botConfigSchema, Denial: denialSchema, CheckVerdict: verdictSchema, SizeDecision: sizeSchema, SignalAnswer: signalAnswerSchema,
  SignalEvaluation: signalEvaluationSchema, SignalRecord: signalRecordSchema, SignalPage: signalPageSchema, Trade: tradeSchema,
  TradePage: tradePageSchema, JournalEntry: journalEntrySchema, TradeDetail: tradeDetailSchema, ReconcileFinding: findingSchema,
  ReconciliationReport: reconciliationSchema, EmergencyStopReport: emergencyStopReportSchema,
  PerformanceSummary: performanceSummarySchema, Performance: performanceSchema, DailyRow: dailyRowSchema, DailyPerformance: dailyPerformanceSchema,
  TodayPerformance: todayPerformanceSchema, ActiveTrade: activeTradeSchema, ActiveTrades: activeTradesSchema, Invalidation: invalidationSchema,
} satisfies Record<string, z.ZodType>;

const _guards: [
  Covers<typeof healthSchema, HealthReport>, Covers<typeof botStatusSchema, BotStatus>, Covers<typeof cancelledFlattenSchema, CancelledFlatten>,
  Covers<typeof botConfigSchema, BotConfig>, Covers<typeof reconciliationSchema, ReconciliationReport>, Covers<typeof emergencyStopReportSchema, EmergencyStopReport>,
] = [true, true, true, true, true, true];
void _guards;
