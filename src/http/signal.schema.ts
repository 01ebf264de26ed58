/**
 * Edge validation of the pipeline routes (docs/design.md §13): strict bodies (unknown keys are
 * problems), every problem reported at once. Prices accept a JSON number or a decimal string and
 * become Decimals; symbols are upper-cased before the pattern check, so "abcd" is ABCD.
 * Query strings are strict too: a misspelt filter would otherwise silently list everything.
 * Free text (catalystType, strategy, a rejection note) is printable-text.ts's printable text.
 */
import { z } from 'zod';
import { EXIT_REASONS, TRADE_STATUSES } from '../domain/trade.js';
import { SIGNAL_STATUSES, type SignalInput } from '../domain/signal.js';
import { Decimal, isDecimalString } from '../domain/money.js';
import { parseTimestamp } from '../domain/time.js';
import { printableText } from './printable-text.js';

export const SIGNAL_ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const SYMBOL = /^[A-Z][A-Z.]{0,9}$/;
const MAX_LIMIT = 500;

export const symbol = z.string().trim().toUpperCase().regex(SYMBOL, 'must be 1–10 letters or dots, starting with a letter');

/** a share price: Alpaca's decimals have at most 9 places; no listed US stock trades near $1,000,000 */
const MAX_PRICE = 1_000_000;
const PRICE_DECIMALS = 9;
const positivePrice = z
  .union([z.number(), z.string()])
  .refine((v) => (typeof v === 'number' ? Number.isFinite(v) : isDecimalString(v)), 'must be a decimal number or string')
  .transform((v) => new Decimal(typeof v === 'string' ? v.trim() : v))
  .refine((d) => d.gt(0) && d.lte(MAX_PRICE) && d.decimalPlaces() <= PRICE_DECIMALS,
    `must be greater than 0 and at most ${MAX_PRICE} with at most ${PRICE_DECIMALS} decimals`);

export const signalInputSchema = z
  .strictObject({
    id: z.string().regex(SIGNAL_ID, 'must be 1–64 characters of A-Z a-z 0-9 _ . : -').optional(),
    symbol,
    side: z.literal('buy'),
    catalystType: printableText(64),
    catalystTier: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
    aiConfidence: z.enum(['high', 'medium', 'low']).nullable().optional(),
    stars: z.number().int().gte(1).lte(5).nullable().optional(),
    confidence: z.number().gte(0).lte(100).nullable().optional(),
    strategy: printableText(64).nullable().optional(),
    priceAtSignal: positivePrice.nullable().optional(),
    stopLossPrice: positivePrice.nullable().optional(),
    takeProfitPrice: positivePrice.nullable().optional(),
    // bounded so a typo (1e20, 1e-320) is refused, not stored as a fact the pillars then judge
    floatShares: z.number().int().gte(0).lte(1e12, 'must be at most 1000000000000 shares').nullable().optional(),
    relativeVolume: z.number().gte(0).lte(1e6, 'must be at most 1000000').refine((v) => v === 0 || v >= 1e-6, 'must be 0 or at least 0.000001').nullable().optional(),
  })
  .transform((b): SignalInput => ({
    id: b.id ?? null,
    symbol: b.symbol,
    side: b.side,
    catalystType: b.catalystType,
    catalystTier: b.catalystTier,
    aiConfidence: b.aiConfidence ?? null,
    stars: b.stars ?? null,
    confidence: b.confidence ?? null,
    strategy: b.strategy ?? null,
    priceAtSignal: b.priceAtSignal ?? null,
    stopLossPrice: b.stopLossPrice ?? null,
    takeProfitPrice: b.takeProfitPrice ?? null,
    floatShares: b.floatShares ?? null,
    relativeVolume: b.relativeVolume ?? null,
  }));

const limit = z.string().regex(/^\d+$/, 'must be a whole number').transform(Number)
  .refine((n) => n >= 1 && n <= MAX_LIMIT, `must be 1–${MAX_LIMIT}`);
const cursor = z.string().min(1).max(512).regex(/^[A-Za-z0-9_-]+={0,2}$/, 'is not a cursor from this API');

/** RFC 3339 or epoch milliseconds → epoch ms */
const instant = z.string().transform((v, ctx) => {
  const ms = /^\d{1,15}$/.test(v) ? Number(v) : parseTimestamp(v);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: 'must be an RFC 3339 time or epoch milliseconds' });
    return z.NEVER;
  }
  return ms;
});

export const signalQuerySchema = z.strictObject({
  status: z.enum(SIGNAL_STATUSES).optional(),
  symbol: symbol.optional(),
  limit: limit.optional(),
  cursor: cursor.optional(),
});

export const tradeQuerySchema = z
  .strictObject({
    status: z.enum(TRADE_STATUSES).optional(),
    symbol: symbol.optional(),
    from: instant.optional(),
    to: instant.optional(),
    exitReason: z.enum(EXIT_REASONS).optional(),
    strategy: printableText(64).optional(),
    catalystType: printableText(64).optional(),
    limit: limit.optional(),
    cursor: cursor.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.from !== undefined && q.to !== undefined && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });

export const rejectBodySchema = z.strictObject({ note: printableText(500, { min: 0 }).nullable().optional() });
export const approveBodySchema = z.strictObject({});
/** POST /api/signals/:id/invalidate: why the signal no longer holds (journaled with what it did) */
export const invalidateBodySchema = z.strictObject({ reason: printableText(500) });
export const emergencyStopSchema = z.strictObject({ closePositions: z.boolean() });
