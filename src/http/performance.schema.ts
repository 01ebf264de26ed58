/**
 * Edge validation of /api/performance (exported for the OpenAPI document): strict query strings
 * (a misspelt filter would otherwise widen the statistics silently), every problem at once.
 * Dates are New York calendar dates, YYYY-MM-DD, inclusive; from must not be after to.
 */
import { z } from 'zod';
import { TRADING_MODES } from '../domain/bot-config.js';
import { addDays, isDateString } from '../domain/market-time.js';
import { printableText } from './printable-text.js';
import { symbol } from './signal.schema.js';

/** a real calendar date: 2026-02-30 is refused, not rolled over */
export const etDateSchema = z.string().refine((v) => isDateString(v) && addDays(v, 0) === v, 'must be a calendar date YYYY-MM-DD (New York)');

const window = {
  from: etDateSchema.optional(),
  to: etDateSchema.optional(),
  mode: z.enum(TRADING_MODES).optional(),
};

const fromNotAfterTo = (q: { from?: string; to?: string }, ctx: z.RefinementCtx) => {
  if (q.from !== undefined && q.to !== undefined && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
};

export const performanceQuerySchema = z
  .strictObject({ ...window, strategy: printableText(64).optional(), catalystType: printableText(64).optional(), symbol: symbol.optional() })
  .superRefine(fromNotAfterTo);

export const performanceDailyQuerySchema = z.strictObject(window).superRefine(fromNotAfterTo);

export const performanceTodayQuerySchema = z.strictObject({ mode: window.mode });
