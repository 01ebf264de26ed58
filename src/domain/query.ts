/**
 * The list queries the API answers and the repositories run: filters, and pages walked by an
 * opaque cursor. Here in the domain because both the control (which asks) and the postgres
 * adapter (which answers) speak them, and adapters do not import the control.
 */
import type { SignalStatus } from './signal.js';
import type { ExitReason, TradeStatus } from './trade.js';

export interface Page<T> {
  items: T[];
  /** opaque; null on the last page */
  nextCursor: string | null;
}

export interface SignalQuery {
  status?: SignalStatus;
  symbol?: string;
  limit?: number;
  cursor?: string;
}

export interface TradeQuery {
  status?: TradeStatus;
  symbol?: string;
  /** created_at bounds, epoch ms, inclusive */
  from?: number;
  to?: number;
  exitReason?: ExitReason;
  /** exact match on the trade's strategy / catalyst type (as the signal named them) */
  strategy?: string;
  catalystType?: string;
  limit?: number;
  cursor?: string;
}
