/**
 * Signals and trades as the API answers them (intake, the what-if, the signal and trade pages, a
 * trade's provenance), as zod schemas in the wire form of wire.schemas.ts; the guards at the end
 * tie each to the domain or control type it describes.
 */
import { z } from 'zod';
import type { SignalEvaluation, TradeDetail } from '../../control/pipeline/pipeline.types.js';
import { EXECUTION_MODES, TRADING_MODES } from '../../domain/bot-config.js';
import { DENIAL_CODES } from '../../domain/denial.js';
import { JOURNAL_KINDS } from '../../domain/journal.js';
import type { Page } from '../../domain/query.js';
import { SIGNAL_STATUSES, type SignalAnswer, type SignalRecord } from '../../domain/signal.js';
import { EXIT_REASONS, TRADE_STATUSES, type Trade } from '../../domain/trade.js';
import { decimalString, epochMs, nullable, type Covers } from './wire.schemas.js';

export const denialSchema = z
  .strictObject({ code: z.enum(DENIAL_CODES), message: z.string(), context: z.record(z.string(), z.unknown()) });
export const verdictSchema = z.strictObject({ check: z.string(), passed: z.boolean(), denial: nullable(denialSchema) });
export const adjustmentSchema = z
  .strictObject({ field: z.literal('notional'), from: decimalString, to: decimalString, reason: z.string() })
  .meta({ description: 'the sizer reduced the size to fit a limit (maxPerTradeUsd, maxPortfolioAllocationPct of equity)' });
export const sizeSchema = z
  .strictObject({
    notional: decimalString, inputs: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
    adjustments: z.array(adjustmentSchema).optional().meta({ description: 'each reduction, in the order applied; absent on signals stored before it was recorded' }),
  });

export const signalAnswerSchema = z
  .strictObject({
    signalId: z.string(), outcome: z.enum(SIGNAL_STATUSES), reason: z.string().optional(),
    adjustments: z.array(adjustmentSchema).optional().meta({ description: "the sizer's reductions of this signal's size; present when there were any" }),
    warnings: z.array(z.string()).optional().meta({ description: 'non-blocking concerns, one line each; present when there are any' }),
  });

export const signalEvaluationSchema = z
  .strictObject({
    symbol: z.string(),
    executionMode: z.string(),
    stars: nullable(z.number().int()),
    outcome: z.enum(['would_fire', 'would_wait_for_approval', 'would_log_only', 'would_skip', 'would_skip_duplicate']),
    denial: nullable(denialSchema),
    verdicts: z.array(verdictSchema),
    size: nullable(sizeSchema),
    warnings: z.array(z.string()).meta({ description: "non-blocking concerns: the size's reductions, no protective stop at the broker" }),
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

const levelSource = z.enum(['signal', 'catalyst', 'settings']);

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
    stopClientOrderId: nullable(z.string()).meta({ description: 'the protective sell stop at the broker (brokerStopMode hard_stop): its client order id, `<entry id>-s<n>` (n counts placements)' }),
    stopOrderId: nullable(z.string()).meta({ description: "the protective stop's broker order id once accepted" }),
    stopPrice: nullable(decimalString).meta({ description: 'the stop price it was placed at: the hard-stop level rounded down to the tick' }),
    stopQty: nullable(decimalString).meta({ description: 'the shares it covers' }),
    exitPlan: nullable(z.strictObject({
      catalystType: nullable(z.string()), stopPrice: nullable(decimalString), targetPrice: nullable(decimalString),
      override: z.strictObject({ hardStopLossPct: z.number().optional(), profitTargetPct: z.number().optional(), trailingStopPct: nullable(z.number()).optional(), maxHoldSec: z.number().int().optional() }),
      sources: z.strictObject({ stop: levelSource, target: levelSource, trailingStop: levelSource, maxHold: levelSource }),
      bracket: nullable(z.strictObject({ qty: decimalString, limitPrice: nullable(decimalString), takeProfit: decimalString, stopLoss: decimalString })).optional()
        .meta({ description: 'a bracket entry: its whole shares, its limit (null = market), its legs; absent or null = the notional market buy' }),
    })).meta({ description: "how the trade's exit levels were resolved when its signal fired: the signal's own stop / target, its catalyst's override as it was then, each level's source; null for trades from before levels were resolved (all from the settings)" }),
    targetOrderId: nullable(z.string()).meta({ description: "a bracket entry's take-profit leg at the broker (its stop leg is the trade's protective stop)" }),
    stopNote: nullable(z.string()).meta({ description: "what the stop does not cover (a fractional remainder the broker refused to stop: Keel's monitor alone protects it); null when nothing" }),
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

const _guards: [
  Covers<typeof signalAnswerSchema, SignalAnswer>, Covers<typeof signalEvaluationSchema, SignalEvaluation>,
  Covers<typeof signalPageSchema, Page<SignalRecord>>, Covers<typeof tradePageSchema, Page<Trade>>, Covers<typeof tradeDetailSchema, TradeDetail>,
] = [true, true, true, true, true];
void _guards;
