/**
 * A trade as Keel journals it (bot_trade): one entry and at most one exit.
 * Invariants: money is Decimal; status moves forward only
 * (pending_entry → open → exiting → closed; pending_entry → cancelled | missed; open → missed);
 * an exit reason is set exactly when the trade is closed or missed.
 */
import type { ExitPlan } from './exit-plan.js';
import type { Decimal } from './money.js';
import type { TradingModeName } from './bot-config.js';
import type { EpochMs } from './time.js';

export const TRADE_STATUSES = ['pending_entry', 'open', 'exiting', 'closed', 'cancelled', 'missed'] as const;
export type TradeStatus = (typeof TRADE_STATUSES)[number];

/** trades Keel still owns at the broker (reconciliation looks at these) */
export const LIVE_TRADE_STATUSES: readonly TradeStatus[] = ['pending_entry', 'open', 'exiting'];

export const EXIT_REASONS = [
  'hard_stop', 'profit_target', 'trailing_stop', 'time_exit', 'force_close_eod', 'kill_switch', 'manual',
  'reconciled_missing_on_startup', 'reconciled_closed_at_broker',
  /** the trade's protective stop at the broker sold the position */
  'broker_stop',
  /** the signal was invalidated (POST /api/signals/:id/invalidate) while its trade was open */
  'signal_invalidated',
] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

export interface Trade {
  id: string;
  symbol: string;
  side: 'buy' | 'sell';
  status: TradeStatus;
  entryPrice: Decimal | null;
  exitPrice: Decimal | null;
  shares: Decimal | null;
  notional: Decimal | null;
  pnl: Decimal | null;
  pnlPct: Decimal | null;
  fees: Decimal | null;
  catalystType: string | null;
  catalystTier: number | null;
  stars: number | null;
  strategy: string | null;
  signalId: string | null;
  entryClientOrderId: string | null;
  entryOrderId: string | null;
  exitClientOrderId: string | null;
  exitOrderId: string | null;
  exitReason: ExitReason | null;
  peakPrice: Decimal | null;
  notes: string | null;
  /** the protective sell stop at the broker (domain/protective-stop.ts): its client order id, written
   *  before it is sent; its order id once accepted; what it asks for; what it does not cover */
  stopClientOrderId: string | null;
  stopOrderId: string | null;
  stopPrice: Decimal | null;
  stopQty: Decimal | null;
  stopNote: string | null;
  /** how its exit levels were resolved when its signal fired (domain/exit-plan.ts); null: every level from the settings */
  exitPlan: ExitPlan | null;
  /** a bracket entry's take-profit leg at the broker (its stop leg is the protective stop) */
  targetOrderId: string | null;
  entryAt: EpochMs | null;
  exitAt: EpochMs | null;
  /** the trading mode it was made in; statistics never mix modes. Left out of a new trade, the
   *  database takes the bot's mode at the insert (the mode only changes while no position is open) */
  mode: TradingModeName;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

/** a trade with no protective stop at the broker (every new row; fakes spread it) */
export const NO_PROTECTIVE_STOP = Object.freeze({ stopClientOrderId: null, stopOrderId: null, stopPrice: null, stopQty: null, stopNote: null, exitPlan: null, targetOrderId: null }) satisfies Partial<Trade>;

/** what a new row needs; the rest starts null */
export type NewTrade = Pick<Trade, 'symbol' | 'side' | 'status'> & Partial<Omit<Trade, 'id' | 'createdAt' | 'updatedAt'>>;

/** what may change on an existing row */
export type TradePatch = Partial<Omit<Trade, 'id' | 'createdAt' | 'updatedAt' | 'symbol' | 'side' | 'mode'>>;

/** the sell that closes a trade: what closing writes as exit price, P&L, exit time and reason */
export interface ExitFill {
  price: Decimal;
  shares: Decimal;
  at: EpochMs;
  reason: ExitReason;
}
