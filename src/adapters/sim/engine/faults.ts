/**
 * Scripted order faults (SimOrderFaults in exchange.types.ts). The engine consumes them with
 * the take*() methods; each one-shot fault is used by exactly one order.
 */
import type { Decimal } from '../../../domain/money.js';
import type { SimErrorBody, SimOrderFaults } from '../exchange.types.js';

export interface Rejection {
  status: number;
  body: SimErrorBody;
}

export class SimFaults implements SimOrderFaults {
  private rejection: Rejection | null = null;
  private asyncRejects = 0;
  private partial: { slices: number; orders: number } | null = null;
  private held = false;
  private fractionalStopsRefused = false;
  private replacesRefused = false;

  rejectNextOrder(rejection?: { status?: number; code?: number; message?: string }): void {
    const status = rejection?.status ?? 403;
    // Alpaca's code pattern is status × 100 000 + sub-code; 5xx bodies carry no code by default
    const code = rejection?.code ?? (status < 500 ? status * 100_000 + 10_000 : undefined);
    const message = rejection?.message ?? 'new orders are rejected by user request';
    this.rejection = { status, body: code === undefined ? { message } : { code, message } };
  }

  rejectNextOrderAsync(): void {
    this.asyncRejects += 1;
  }

  partialFills(slices: number, orders = 1): void {
    this.partial = slices > 0 && orders > 0 ? { slices: Math.floor(slices), orders: Math.floor(orders) } : null;
  }

  holdFills(hold: boolean): void {
    this.held = hold;
  }

  refuseFractionalStops(on: boolean): void {
    this.fractionalStopsRefused = on;
  }

  /** the answer to a fractional stop while they are refused; null: accept it */
  fractionalStopRefusal(o: { type: string; qty: Decimal | null; notional: Decimal | null }): Rejection | null {
    if (!this.fractionalStopsRefused || (o.type !== 'stop' && o.type !== 'stop_limit')) return null;
    if (o.notional === null && (o.qty === null || o.qty.isInteger())) return null;
    return { status: 422, body: { code: 40010001, message: 'fractional orders must be market orders' } };
  }

  refuseReplaces(on: boolean): void {
    this.replacesRefused = on;
  }

  /** the answer to a replace while they are refused; null: go on */
  replaceRefusal(): Rejection | null {
    return this.replacesRefused ? { status: 422, body: { code: 42210000, message: 'order is not replaceable at this time (refused by the fault switch)' } } : null;
  }

  clear(): void {
    this.fractionalStopsRefused = false;
    this.replacesRefused = false;
    this.rejection = null;
    this.asyncRejects = 0;
    this.partial = null;
    this.held = false;
  }

  takeRejection(): Rejection | null {
    const r = this.rejection;
    this.rejection = null;
    return r;
  }

  takeAsyncReject(): boolean {
    if (this.asyncRejects === 0) return false;
    this.asyncRejects -= 1;
    return true;
  }

  /** number of partial fills the next accepted order gets (0 = fills at once) */
  takePartialSlices(): number {
    if (!this.partial) return 0;
    const { slices } = this.partial;
    this.partial.orders -= 1;
    if (this.partial.orders <= 0) this.partial = null;
    return slices;
  }

  get fillsHeld(): boolean {
    return this.held;
  }
}
