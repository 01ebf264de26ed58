/**
 * Money and quantities. Broker decimals arrive as strings ("105.8988475", "-2478") and are kept
 * exact as Decimal; nothing stored or summed is ever a binary float (docs/design.md §4).
 */
import { Decimal } from 'decimal.js';

export { Decimal };

export const ZERO = new Decimal(0);

export function dec(value: Decimal.Value): Decimal {
  return new Decimal(value);
}

/** Is `text` a plain decimal literal as Alpaca sends it (optional sign, digits, optional fraction)? */
export function isDecimalString(text: string): boolean {
  return /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text.trim());
}

/** Wire form of a decimal: no exponent, no trailing zeros beyond what the value needs. */
export function toWire(value: Decimal): string {
  return value.toFixed();
}
