/**
 * The control API's answers as zod schemas: the OpenAPI document is generated from them, and the
 * HTTP tests validate every JSON response they see against it. They describe the wire form
 * (to-json.ts): Decimals are decimal strings, instants are epoch milliseconds, absent values null.
 * Objects are strict, so a field added to an answer without being described here fails a test.
 * The compile-time guards at the end tie each schema to the domain type it describes.
 * Over 300 lines (≈ 400): the schemas stay in one file so the compile-time guards at its end see
 * every one of them beside the domain type it must cover.
 */
import { z } from 'zod';
import { BOT_ACTIONS, type BotStatus, type CancelledFlatten, type HealthReport } from '../../control/lifecycle/bot-control.types.js';
import type { DailyPerformanceAnswer, EmergencyStopReport, PerformanceAnswer, SignalEvaluation, TodayPerformance, TradeDetail } from '../../control/pipeline/pipeline.types.js';
import type { Page } from '../../domain/query.js';
import { BOT_STATES, BREAKER_LEVELS, EXECUTION_MODES, SIZING_MODES, TRADING_MODES, type BotConfig } from '../../domain/bot-config.js';
import { DENIAL_CODES } from '../../domain/denial.js';
import { STATE_REASON_CODES } from '../../domain/state-reason.js';
import { STREAM_HEALTH } from '../../domain/stream-health.js';
import { JOURNAL_KINDS } from '../../domain/journal.js';
import type { Decimal } from '../../domain/money.js';
import type { ReconciliationReport } from '../../domain/reconciliation.js';
import { SIGNAL_STATUSES, type SignalAnswer, type SignalRecord } from '../../domain/signal.js';
import { EXIT_REASONS, TRADE_STATUSES, type Trade } from '../../domain/trade.js';

/** a Decimal on the wire: exact, never an exponent */
export const decimalString = z.string().regex(/^-?\d+(\.\d+)?$/).meta({ description: 'a decimal number as a string (exact, no exponent)', examples: ['412.5'] });
const epochMs = z.number().int().meta({ description: 'epoch milliseconds' });
const nullable = <T extends z.ZodType>(schema: T) => schema.nullable();

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
  });

export const denialSchema = z
  .strictObject({ code: z.enum(DENIAL_CODES), message: z.string(), context: z.record(z.string(), z.unknown()) });
export const verdictSchema = z.strictObject({ check: z.string(), passed: z.boolean(), denial: nullable(denialSchema) });
export const sizeSchema = z
  .strictObject({ notional: decimalString, inputs: z.record(z.string(), z.union([z.string(), z.number(), z.null()])) });

export const signalAnswerSchema = z
  .strictObject({ signalId: z.string(), outcome: z.enum(SIGNAL_STATUSES), reason: z.string().optional() });

export const signalEvaluationSchema = z
  .strictObject({
    symbol: z.string(),
    executionMode: z.string(),
    stars: nullable(z.number().int()),
    outcome: z.enum(['would_fire', 'would_wait_for_approval', 'would_log_only', 'would_skip', 'would_skip_duplicate']),
    denial: nullable(denialSchema),
    verdicts: z.array(verdictSchema),
    size: nullable(sizeSchema),
  });

export const signalRecordSchema = z
  .strictObject({
    id: z.string(),
    receivedAt: epochMs,
    input: z.strictObject({
      id: nullable(z.string()),
      symbol: z.string(),
      side: z.literal('buy'),
      catalystType: z.string(),
      catalystTier: z.number().int(),
      aiConfidence: nullable(z.enum(['high', 'medium', 'low'])),
      stars: nullable(z.number().int()),
      confidence: nullable(z.number()),
      strategy: nullable(z.string()),
      priceAtSignal: nullable(decimalString),
      stopLossPrice: nullable(decimalString),
      takeProfitPrice: nullable(decimalString),
      floatShares: nullable(z.number()),
      relativeVolume: nullable(z.number()),
    }),
    executionMode: z.enum(EXECUTION_MODES),
    stars: nullable(z.number().int()),
    status: z.enum(SIGNAL_STATUSES),
    denial: nullable(denialSchema),
    verdicts: z.array(verdictSchema),
    size: nullable(sizeSchema),
    tradeId: nullable(z.string()),
    expiresAt: nullable(epochMs),
    decidedAt: nullable(epochMs),
    note: nullable(z.string()),
  });

const page = <T extends z.ZodType>(item: T) =>
  z.strictObject({ items: z.array(item), nextCursor: nullable(z.string()).meta({ description: 'opaque; null on the last page' }) });

export const signalPageSchema = page(signalRecordSchema);

export const tradeSchema = z
  .strictObject({
    id: z.string(),
    symbol: z.string(),
    side: z.enum(['buy', 'sell']),
    status: z.enum(TRADE_STATUSES),
    entryPrice: nullable(decimalString),
    exitPrice: nullable(decimalString),
    shares: nullable(decimalString),
    notional: nullable(decimalString),
    pnl: nullable(decimalString),
    pnlPct: nullable(decimalString),
    fees: nullable(decimalString),
    catalystType: nullable(z.string()),
    catalystTier: nullable(z.number().int()),
    stars: nullable(z.number().int()),
    strategy: nullable(z.string()),
    signalId: nullable(z.string()),
    entryClientOrderId: nullable(z.string()),
    entryOrderId: nullable(z.string()),
    exitClientOrderId: nullable(z.string()),
    exitOrderId: nullable(z.string()),
    exitReason: nullable(z.enum(EXIT_REASONS)),
    peakPrice: nullable(decimalString),
    notes: nullable(z.string()),
    entryAt: nullable(epochMs),
    exitAt: nullable(epochMs),
    mode: z.enum(TRADING_MODES),
    createdAt: epochMs,
    updatedAt: epochMs,
  });

export const tradePageSchema = page(tradeSchema);

export const journalEntrySchema = z
  .strictObject({
    id: z.number().int(),
    at: epochMs,
    kind: z.enum(JOURNAL_KINDS),
    cause: z.string(),
    subject: nullable(z.string()),
    message: z.string(),
    data: z.record(z.string(), z.unknown()),
  });

export const tradeDetailSchema = z
  .strictObject({
    trade: tradeSchema,
    signal: nullable(signalRecordSchema),
    verdicts: z.array(verdictSchema),
    holdSeconds: nullable(z.number()),
    journal: z.array(journalEntrySchema).meta({ description: 'orders, broker updates, the exit rule that fired — oldest first' }),
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

const ratio = (description: string) => nullable(z.number()).meta({ description: `${description}; 4 decimals, null where undefined` });
const tradeRefSchema = z.strictObject({ id: z.string(), symbol: z.string(), pnl: decimalString });

export const performanceSummarySchema = z.strictObject({
  trades: z.number().int().meta({ description: 'closed trades in the window (counted on the New York date of their exit)' }),
  wins: z.number().int().meta({ description: 'pnl > 0' }),
  losses: z.number().int().meta({ description: 'pnl < 0' }),
  breakeven: z.number().int().meta({ description: 'pnl = 0 (neither a win nor a loss)' }),
  winRate: ratio('wins ÷ trades'),
  totalPnl: decimalString,
  grossProfit: decimalString,
  grossLoss: decimalString.meta({ description: 'the losses summed, as a positive number' }),
  profitFactor: ratio('grossProfit ÷ grossLoss (null with no losing trade)'),
  expectancy: nullable(decimalString).meta({ description: 'totalPnl ÷ trades' }),
  avgWin: nullable(decimalString),
  avgLoss: nullable(decimalString).meta({ description: 'negative' }),
  payoffRatio: ratio('avgWin ÷ |avgLoss|'),
  bestTrade: nullable(tradeRefSchema),
  worstTrade: nullable(tradeRefSchema),
  avgHoldSeconds: nullable(z.number()),
  avgHoldSecondsWinners: nullable(z.number()),
  avgHoldSecondsLosers: nullable(z.number()),
  maxConsecutiveWins: z.number().int(),
  maxConsecutiveLosses: z.number().int(),
  maxDrawdownUsd: nullable(decimalString).meta({ description: 'peak-to-trough of the equity curve' }),
  maxDrawdownPct: ratio('peak-to-trough of the equity curve, percent of the peak'),
  sharpe: ratio('mean ÷ sample standard deviation of daily closing-equity returns × √252; null with fewer than 2 days'),
  sortino: ratio('mean ÷ downside deviation (√(Σ min(r,0)² ÷ N) over all days) × √252'),
  calmar: ratio('annualised return ÷ |max drawdown|'),
  returnPct: ratio('first to last equity of the window, percent'),
});

const breakdownRowSchema = z.strictObject({
  key: z.union([z.string(), z.number(), z.null()]).meta({ description: 'the group: text, a number (tier, stars, New York hour) or null (not recorded)' }),
  trades: z.number().int(), wins: z.number().int(), winRate: ratio('wins ÷ trades'), totalPnl: decimalString,
  avgPnl: nullable(decimalString), profitFactor: ratio('grossProfit ÷ grossLoss'),
});

export const performanceSchema = z.strictObject({
  from: z.string().meta({ description: 'New York date, inclusive' }),
  to: z.string(),
  mode: z.enum(TRADING_MODES),
  summary: performanceSummarySchema,
  equityCurve: z.array(z.strictObject({ t: epochMs, equity: decimalString, realizedPnl: decimalString.meta({ description: "that day's realized P&L at the snapshot" }) }))
    .meta({ description: 'at most 1,000 points, downsampled keeping every bucket’s extremes' }),
  breakdowns: z.strictObject(Object.fromEntries(
    ['strategy', 'catalystType', 'catalystTier', 'stars', 'exitReason', 'symbol', 'entryHourEt', 'weekday'].map((k) => [k, z.array(breakdownRowSchema)]),
  )).meta({ description: 'each sorted by totalPnl, highest first' }),
});

const dailyRowShape = {
  date: z.string().meta({ description: 'New York trading date' }),
  trades: z.number().int(), wins: z.number().int(), losses: z.number().int(), winRate: ratio('wins ÷ trades'),
  realizedPnl: decimalString, bestTradePnl: nullable(decimalString), worstTradePnl: nullable(decimalString),
  avgHoldSeconds: nullable(z.number()), startEquity: nullable(decimalString), endEquity: nullable(decimalString),
  returnPct: ratio('start to end equity, percent'), maxDrawdownPct: ratio("the day's own peak-to-trough, percent"),
};
export const dailyRowSchema = z.strictObject(dailyRowShape);

export const dailyPerformanceSchema = z.strictObject({ from: z.string(), to: z.string(), mode: z.enum(TRADING_MODES), days: z.array(dailyRowSchema) });

export const todayPerformanceSchema = z.strictObject({
  ...dailyRowShape,
  mode: z.enum(TRADING_MODES),
  unrealizedPnl: nullable(decimalString).meta({ description: "Keel's open positions at their last prices (null for the other mode or while nothing watches them)" }),
  openPositions: nullable(z.number().int()),
  equity: nullable(decimalString).meta({ description: 'the cached account equity when fresh (never a broker call per request)' }),
});

export const activeTradeSchema = z.strictObject({
  id: z.string(), symbol: z.string(), shares: nullable(decimalString), entryPrice: nullable(decimalString), entryAt: nullable(epochMs),
  lastPrice: nullable(decimalString).meta({ description: 'the last print the exit rules evaluated' }), lastPriceAt: nullable(epochMs),
  unrealizedPnl: nullable(decimalString), unrealizedPnlPct: nullable(z.number()).meta({ description: 'percent of the entry, 4 decimals' }),
  peakPrice: nullable(decimalString), stopPrice: nullable(decimalString), targetPrice: nullable(decimalString),
  trailingStopPrice: nullable(decimalString).meta({ description: 'null when the trailing stop is off' }),
  maxHoldUntil: nullable(epochMs), forceCloseAt: nullable(epochMs),
  state: z.enum(['open', 'exiting']),
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
  TodayPerformance: todayPerformanceSchema, ActiveTrade: activeTradeSchema, ActiveTrades: activeTradesSchema,
} satisfies Record<string, z.ZodType>;

/** a domain value as it leaves through toJson(): Decimals become strings */
type Wire<T> = T extends Decimal ? string : T extends ReadonlyArray<infer U> ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;
/** compile-time guard: every value of the domain type is accepted by the schema, and the schema
 *  names every top-level field of it (a strict object would otherwise refuse a field it lacks) */
type Covers<S extends z.ZodType, T> = Wire<T> extends z.input<S> ? (Exclude<keyof T, keyof z.input<S>> extends never ? true : never) : never;
const _guards: [
  Covers<typeof healthSchema, HealthReport>, Covers<typeof botStatusSchema, BotStatus>, Covers<typeof cancelledFlattenSchema, CancelledFlatten>,
  Covers<typeof botConfigSchema, BotConfig>, Covers<typeof signalAnswerSchema, SignalAnswer>, Covers<typeof signalEvaluationSchema, SignalEvaluation>,
  Covers<typeof signalPageSchema, Page<SignalRecord>>, Covers<typeof tradePageSchema, Page<Trade>>, Covers<typeof tradeDetailSchema, TradeDetail>,
  Covers<typeof reconciliationSchema, ReconciliationReport>, Covers<typeof emergencyStopReportSchema, EmergencyStopReport>,
  Covers<typeof performanceSchema, PerformanceAnswer>, Covers<typeof dailyPerformanceSchema, DailyPerformanceAnswer>, Covers<typeof todayPerformanceSchema, TodayPerformance>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true];
void _guards;
