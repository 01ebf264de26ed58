/**
 * The edge validation of PATCH /api/bot/config (docs/design.md §13): strict (unknown keys are
 * problems), partial, and every problem reported at once. Money accepts a JSON number or a decimal
 * string and becomes a Decimal; percentages and counts stay numbers (bot-config.ts).
 * Cross-field rule (warn ≤ pause ≤ halt) is checked only among the breaker levels the patch itself
 * carries: comparing against the stored config would need a second facade call.
 */
import { z } from 'zod';
import { EXECUTION_MODES, SIZING_MODES, TRADING_MODES, type BotSettings } from '../domain/bot-config.js';
import { Decimal, isDecimalString } from '../domain/money.js';

const money = (opts: { positive: boolean }) =>
  z
    .union([z.number(), z.string()])
    .refine((v) => (typeof v === 'number' ? Number.isFinite(v) : isDecimalString(v)), 'must be a decimal number or string')
    .transform((v) => new Decimal(typeof v === 'string' ? v.trim() : v))
    .refine((d) => (opts.positive ? d.gt(0) : d.gte(0)), opts.positive ? 'must be greater than 0' : 'must be 0 or more');

const pct = z.number().gte(0).lte(100);
const positivePct = z.number().gt(0).lte(100);
const count = z.number().int().gte(0);
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

const eodTime = z
  .string()
  .regex(HH_MM, 'must be HH:MM (24-hour, America/New_York)')
  // string comparison is safe for zero-padded HH:MM
  .refine((t) => t >= '09:30' && t <= '16:00', 'must be within the regular session, 09:30–16:00');

export const botSettingsPatchSchema = z
  .strictObject({
    enabled: z.boolean(),
    executionMode: z.enum(EXECUTION_MODES),
    positionSizeUsd: money({ positive: true }),
    confidenceMultiplierHigh: z.number().gte(0).lte(10),
    confidenceMultiplierMed: z.number().gte(0).lte(10),
    confidenceMultiplierLow: z.number().gte(0).lte(10),
    tradeSizeStars3: money({ positive: true }),
    tradeSizeStars4: money({ positive: true }),
    tradeSizeStars5: money({ positive: true }),
    sizingMode: z.enum(SIZING_MODES),
    riskPctPerTrade: positivePct,
    maxPerTradeUsd: money({ positive: true }),
    maxConcurrentPositions: count.nullable(),
    maxTradesPerDay: count,
    dailyLossLimitUsd: money({ positive: false }),
    maxPortfolioAllocationPct: positivePct,
    maxTotalInvestedPct: positivePct,
    minWinRate: z.number().gte(0).lte(1),
    minConfidence: pct,
    hardStopLossPct: positivePct,
    profitTargetPct: positivePct,
    trailingStopPct: positivePct.nullable(),
    maxHoldDurationSec: z.number().int().gt(0),
    eodForceCloseTime: eodTime,
    enabledCatalystTiers: z
      .array(z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]))
      .refine((tiers) => new Set(tiers).size === tiers.length, 'must not repeat a tier'),
    enabledStrategies: z.array(z.string().trim().min(1).max(64)),
    maxFloatShares: count,
    maxSharePrice: money({ positive: true }),
    minRelativeVolume: z.number().gte(0),
    circuitBreakerWarnPct: positivePct,
    circuitBreakerPausePct: positivePct,
    circuitBreakerHaltPct: positivePct,
    autoResumeNextDay: z.boolean(),
    maxRoundTripsPerDay: count.nullable(),
    approvalTtlMinutes: z.number().int().gt(0).lte(24 * 60),
  })
  .partial()
  .superRefine((patch, ctx) => {
    const levels = [
      ['circuitBreakerWarnPct', patch.circuitBreakerWarnPct],
      ['circuitBreakerPausePct', patch.circuitBreakerPausePct],
      ['circuitBreakerHaltPct', patch.circuitBreakerHaltPct],
    ] as const;
    const given = levels.filter((l): l is readonly [(typeof l)[0], number] => l[1] !== undefined);
    for (let i = 1; i < given.length; i++) {
      const [lowerName, lower] = given[i - 1]!;
      const [name, value] = given[i]!;
      if (value < lower) ctx.addIssue({ code: 'custom', path: [name], message: `must be at least ${lowerName} (${lower})` });
    }
  });

// Compile-time guards: the schema produces a partial BotSettings and covers every setting.
type PatchOutput = z.output<typeof botSettingsPatchSchema>;
const _sameShape: (p: PatchOutput) => Partial<BotSettings> = (p) => p;
const _coversAll: Exclude<keyof BotSettings, keyof PatchOutput> extends never ? true : never = true;
void _sameShape;
void _coversAll;

export const setModeSchema = z.strictObject({
  mode: z.enum(TRADING_MODES),
  confirm: z.literal('live').optional(),
});
