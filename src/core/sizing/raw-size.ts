/**
 * What one sizing mode produces before the shared cap, rounding and positivity rules of
 * size-entry.ts: an uncapped notional plus the inputs it came from, or a denial.
 */
import type { Denial } from '../../domain/denial.js';
import type { Decimal } from '../../domain/money.js';
import type { SizingInput } from './sizing.types.js';

export type SizeInputs = Record<string, string | number | null>;

export type RawSize = { ok: true; notional: Decimal; inputs: SizeInputs } | { ok: false; denial: Denial };

export type Sizer = (input: SizingInput) => RawSize;
