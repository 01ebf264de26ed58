/** Builds a Denial value (docs/design.md §3): codes from the closed union, context JSON-safe. */
import type { Denial, DenialCode } from '../../domain/denial.js';
import type { Decimal } from '../../domain/money.js';

export function deny(code: DenialCode, message: string, context: Record<string, unknown> = {}): Denial {
  return { code, message, context };
}

/** dollars for messages: "$1,234.50" is overkill here; "$1234.50" reads fine in one line */
export function usd(value: Decimal): string {
  return `$${value.toFixed(2)}`;
}
