/**
 * The edge validation of PUT and PATCH /api/bot/config (docs/design.md §13): strict (unknown keys
 * are problems), every problem reported at once; PUT requires every setting, PATCH any subset. Money accepts a JSON number or a decimal
 * string and becomes a Decimal; percentages and counts stay numbers (bot-config.ts).
 * Every setting has a range and a precision (the README's settings table says the same): money
 * 0.01–10,000,000 with cents, percentages above 0 and at most 100 with 4 decimals, counts as
 * bounded integers. 0, null or an empty list is accepted only where it has a stated meaning, so a
 * denormal (1e-320), an amount that overflows (1e20, "1e309") or NaN never becomes a limit.
 * The ranges bind writes through the API only: a stored config is read as it is.
 * Cross-field rule (warn ≤ pause ≤ halt) is checked only among the breaker levels the body itself
 * carries (a PUT carries all three): comparing against the stored config would need a second
 * facade call. It runs once every field is valid on its own.
 */
import { z } from 'zod';
import { BROKER_STOP_MODES, ENTRY_ORDER_TYPES, EXECUTION_MODES, SIZING_MODES, TRADING_MODES, type BotSettings } from '../domain/bot-config.js';
import { Decimal, isDecimalString } from '../domain/money.js';
import { printableText } from './printable-text.js';

const MAX_USD = new Decimal(10_000_000);

/** money with cents, `min`–10,000,000 (a JSON number or a decimal string) */
const money = (min: '0' | '0.01') =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const text = typeof v === 'string' ? v.trim() : null;
    if (text !== null && !isDecimalString(text)) {
      ctx.addIssue({ code: 'custom', message: 'must be a decimal number or string' });
      return z.NEVER;
    }
    const d = new Decimal(text ?? v);
    if (!d.isFinite() || d.lt(min) || d.gt(MAX_USD) || d.decimalPlaces() > 2) {
      ctx.addIssue({ code: 'custom', message: `must be ${min} to 10000000 with at most 2 decimals` });
      return z.NEVER;
    }
    return d;
  });

/** a plain number in [min, max] (or (min, max] with `aboveMin`) with at most `decimals` decimals */
const bounded = (o: { min: number; max: number; aboveMin?: boolean; decimals: number }) =>
  z.number().superRefine((n, ctx) => {
    const inRange = (o.aboveMin ? n > o.min : n >= o.min) && n <= o.max;
    if (!inRange || new Decimal(n).decimalPlaces() > o.decimals) {
      const range = o.aboveMin ? `greater than ${o.min} and at most ${o.max}` : `${o.min} to ${o.max}`;
      ctx.addIssue({ code: 'custom', message: `must be ${range} with at most ${o.decimals} decimals` });
    }
  });

const int = (min: number, max: number) => z.number().int().gte(min).lte(max);

/** a percentage: above 0, at most 100, 4 decimals */
const pct = bounded({ min: 0, max: 100, aboveMin: true, decimals: 4 });
const multiplier = bounded({ min: 0, max: 10, decimals: 4 });
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

const eodTime = z
  .string()
  .regex(HH_MM, 'must be HH:MM (24-hour, America/New_York)')
  // string comparison is safe for zero-padded HH:MM
  .refine((t) => t >= '09:30' && t <= '16:00', 'must be within the regular session, 09:30–16:00');

const distinct = (items: readonly unknown[]) => new Set(items).size === items.length;

/** one catalyst type's exit settings: any of the four, at least one; the ranges of the global ones */
const exitOverride = z.strictObject({
  hardStopLossPct: pct.optional(),
  profitTargetPct: pct.optional(),
  trailingStopPct: pct.nullable().optional(), // null = no trailing stop for this catalyst
  maxHoldSec: int(1, 7 * 86_400).optional(),
}).refine((o) => Object.keys(o).length > 0, 'must set at least one of hardStopLossPct, profitTargetPct, trailingStopPct, maxHoldSec');

/** catalyst type (as signals name it) → its exit settings; at most 100 */
const exitOverrides = z.record(printableText(64), exitOverride)
  .refine((o) => Object.keys(o).length <= 100, 'at most 100 catalyst types');

const SETTINGS_SHAPE = {
  enabled: z.boolean(),
  executionMode: z.enum(EXECUTION_MODES),
  positionSizeUsd: money('0.01'),
  // 0 = size signals of that AI confidence to nothing, so fixed_dollar skips them
  confidenceMultiplierHigh: multiplier,
  confidenceMultiplierMed: multiplier,
  confidenceMultiplierLow: multiplier,
  tradeSizeStars3: money('0.01'),
  tradeSizeStars4: money('0.01'),
  tradeSizeStars5: money('0.01'),
  sizingMode: z.enum(SIZING_MODES),
  riskPctPerTrade: pct,
  maxPerTradeUsd: money('0.01'),
  maxConcurrentPositions: int(1, 1_000).nullable(), // null = no cap
  maxTradesPerDay: int(1, 1_000),
  dailyLossLimitUsd: money('0'), // 0 = no loss at all: every entry with a stop is denied
  maxPortfolioAllocationPct: pct,
  maxTotalInvestedPct: pct,
  minWinRate: bounded({ min: 0, max: 1, decimals: 4 }).nullable(), // null = the win-rate guard off
  // fewer than 5 trades say nothing about a win rate; 500 is months of trading
  minWinRateLookback: int(5, 500),
  minConfidence: bounded({ min: 0, max: 100, decimals: 4 }), // 0 = any confidence
  hardStopLossPct: pct,
  profitTargetPct: pct,
  trailingStopPct: pct.nullable(), // null = trailing stop off
  maxHoldDurationSec: int(1, 7 * 86_400),
  eodForceCloseTime: eodTime,
  // [] = every tier disabled: every signal is denied
  enabledCatalystTiers: z
    .array(z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]))
    .refine(distinct, 'must not repeat a tier'),
  // [] = every strategy
  enabledStrategies: z.array(printableText(64)).max(100).refine(distinct, 'must not repeat a strategy'),
  maxFloatShares: int(1, 100_000_000_000),
  maxSharePrice: money('0.01'),
  minRelativeVolume: bounded({ min: 0, max: 1_000, decimals: 4 }), // 0 = any relative volume
  circuitBreakerWarnPct: pct,
  circuitBreakerPausePct: pct,
  circuitBreakerHaltPct: pct,
  autoResumeNextDay: z.boolean(),
  maxRoundTripsPerDay: int(1, 1_000).nullable(), // null = no cap
  approvalTtlMinutes: int(1, 24 * 60),
  brokerStopMode: z.enum(BROKER_STOP_MODES),
  exitOverrides,
  entryOrderType: z.enum(ENTRY_ORDER_TYPES),
  entryLimitOffsetPct: bounded({ min: 0, max: 10, decimals: 4 }).nullable(), // null = a market entry
};

type Levels = Partial<Record<'circuitBreakerWarnPct' | 'circuitBreakerPausePct' | 'circuitBreakerHaltPct', number>>;

/** warn ≤ pause ≤ halt among the levels given */
function levelsInOrder(patch: Levels, ctx: z.RefinementCtx): void {
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
}

/** PATCH /api/bot/config: any subset of the settings */
export const botSettingsPatchSchema = z.strictObject(SETTINGS_SHAPE).partial().superRefine(levelsInOrder);

/** PUT /api/bot/config: every setting, each required (a nullable one as an explicit null) */
export const botSettingsSchema = z.strictObject(SETTINGS_SHAPE).superRefine(levelsInOrder);

// Compile-time guards: the schemas produce (a partial) BotSettings and cover every setting.
type PatchOutput = z.output<typeof botSettingsPatchSchema>;
const _sameShape: (p: PatchOutput) => Partial<BotSettings> = (p) => p;
const _whole: (p: z.output<typeof botSettingsSchema>) => BotSettings = (p) => p;
const _coversAll: Exclude<keyof BotSettings, keyof PatchOutput> extends never ? true : never = true;
void _sameShape;
void _whole;
void _coversAll;

export const setModeSchema = z.strictObject({
  mode: z.enum(TRADING_MODES),
  confirm: z.literal('live').optional(),
});
