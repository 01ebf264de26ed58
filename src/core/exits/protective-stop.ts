/**
 * The protective stop at the broker, pure: its client order id, its level, its quantity, and what a
 * refusal means. The stop is what protects a position while Keel is down (process, machine or
 * network); Keel's own monitor stays the primary exit.
 * Invariants:
 *  - the id is `<entry id>-s<n>`: n counts the trade's placements (a replacement is a new order with
 *    a new id, the broker keeps ids unique), so every stop Keel ever placed names its trade;
 *  - the level is the trade's hard-stop level (its own, or the percentage's) rounded DOWN to the broker's tick (cents at or above
 *    $1, 0.0001 below): never above the level Keel's own monitor fires at, so the monitor sells
 *    first and the broker's stop is the backstop;
 *  - the quantity is what the trade holds and has not sold; nothing is placed while the entry order
 *    may still fill (a sell working beside a working buy is a wash trade to the broker) or when the
 *    mode is off.
 */
import type { BrokerError } from '../../domain/broker-error.js';
import type { BrokerStopMode } from '../../domain/bot-config.js';
import { Decimal } from '../../domain/money.js';
import { hardStopPrice } from './thresholds.js';

export function protectiveStopId(base: string, placement: number): string {
  return `${base}-s${placement}`;
}

/** the placement number of a stop id of `base`'s trade; null when the id is no stop of it */
export function stopPlacementOf(base: string, clientOrderId: string): number | null {
  if (!clientOrderId.startsWith(`${base}-s`)) return null;
  const n = clientOrderId.slice(base.length + 2);
  return /^[1-9]\d{0,5}$/.test(n) ? Number(n) : null;
}

/** the broker's price increment at this price */
export function stopTick(price: number): Decimal {
  return new Decimal(price >= 1 ? '0.01' : '0.0001');
}

/** a price on the broker's tick, rounded down (a stop never above its level) or up (a target never below) */
export function toTick(price: Decimal.Value, direction: 'down' | 'up'): Decimal {
  const exact = new Decimal(price);
  const tick = stopTick(exact.toNumber());
  const ticks = exact.div(tick);
  return (direction === 'down' ? ticks.floor() : ticks.ceil()).times(tick);
}

/** Keel's hard-stop level as a stop price the broker accepts, rounded down to its tick */
export function brokerStopPrice(level: number): Decimal {
  return toTick(level, 'down');
}

/** the broker stop of a percentage hard stop (entry × (1 − pct)), rounded down to the tick */
export function stopLevel(entryPrice: number, hardStopLossPct: number): Decimal {
  return brokerStopPrice(hardStopPrice(entryPrice, hardStopLossPct));
}

export type DesiredStop =
  | { kind: 'stop'; price: Decimal; qty: Decimal }
  /** nothing to place now, and why (read by the trade's detail) */
  | { kind: 'none'; why: string };

export interface StopInputs {
  mode: BrokerStopMode;
  /** the hard stop Keel's own monitor fires at (the signal's stop, or entry × (1 − pct)); null = unknown */
  level: number | null;
  /** shares held and not yet sold */
  qty: Decimal;
  /** the entry order may still fill */
  entryWorking: boolean;
}

export function desiredStop(s: StopInputs): DesiredStop {
  if (s.mode === 'off') return { kind: 'none', why: 'broker stops are off' };
  if (s.entryWorking) return { kind: 'none', why: 'the entry order is still working' };
  if (!s.qty.gt(0)) return { kind: 'none', why: 'no shares held' };
  if (s.level === null || !(s.level > 0) || !Number.isFinite(s.level)) return { kind: 'none', why: 'no hard-stop level (no entry price)' };
  const price = brokerStopPrice(s.level);
  if (!price.gt(0)) return { kind: 'none', why: `the hard stop ${s.level} rounds to no price` };
  return { kind: 'stop', price, qty: s.qty };
}

/**
 * A refusal of a fractional stop: Alpaca answers an order type it does not take fractionally with a
 * 422. Only then does Keel fall back to the whole shares; any other refusal is the stop's failure.
 */
export function isFractionalRefusal(error: Pick<BrokerError, 'status'>, qty: Decimal): boolean {
  return error.status === 422 && !qty.isInteger();
}

/** the whole-share part of a quantity (a fractional stop's fallback) and the remainder it leaves */
export function wholeShares(qty: Decimal): { whole: Decimal; remainder: Decimal } {
  const whole = qty.floor();
  return { whole, remainder: qty.minus(whole) };
}
