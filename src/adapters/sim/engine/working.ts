/** One order on the simulated exchange's book with the engine's state for it (order-engine.ts). */
import type { Decimal } from '../../../domain/money.js';
import type { Order } from '../../../domain/order.js';
import type { MatchState } from './matching.js';

export interface Working {
  order: Order;
  match: MatchState;
  /** partial fills still to come before the final fill (faults.partialFills) */
  slicesLeft: number;
  /** shares to fill in total; fixed at the first execution for notional orders */
  target: Decimal | null;
  filledValue: Decimal;
  rejectAsync: boolean;
  /** the latest time whose prices this order has been offered (a bar tape's points after it are next) */
  seenUntil: number;
  /** a bracket / oto / oco parent's legs ([] for a simple order or a leg) */
  legs: Working[];
  /** the orders that cancel each other (this one included); null when none */
  group: Working[] | null;
}
