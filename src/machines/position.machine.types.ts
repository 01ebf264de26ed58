/** The position machine's data: its events, its context, what its invoked steps return (position.machine.ts). */
import type { ExitReason } from '../domain/trade.js';
import type { EpochMs } from '../domain/time.js';

/** the exit rule that fired, as carried out */
export interface ExitIntent {
  reason: ExitReason;
  price: number;
  detail: string;
}

/** an intent with the time it was decided */
export type TimedIntent = ExitIntent & { at: EpochMs };

export type PositionMachineEvent =
  /** cumulative entry fill; `done` = the entry order is terminal (filled, or canceled after a partial) */
  | { type: 'ENTRY_FILLED'; done: boolean }
  /** the entry order ended with nothing filled (rejected, canceled, expired, never reached the broker) */
  | { type: 'ENTRY_ENDED'; reason: string }
  | ({ type: 'EXIT'; at: EpochMs } & ExitIntent)
  /** the exit order(s) filled the whole position */
  | { type: 'EXIT_FILLED' }
  /** an exit order ended short of the position (rejected, canceled, expired after a partial) */
  | { type: 'EXIT_SHORT'; why: string }
  /** a restored exiting trade's orders were re-read: finish what the crash interrupted */
  | { type: 'RESUME' }
  /** what the protective stop depends on may have changed (settings, shares, mode, a health check):
   *  the broker's stop is brought in line */
  | { type: 'STOP_CHANGED' }
  /** the protective stop ended with nothing filled and Keel had not cancelled it (expired at the
   *  close, cancelled outside Keel, rejected) */
  | { type: 'STOP_ENDED'; why: string; retryNow: boolean }
  /** an order at the broker sold shares while the position was open (the protective stop, or a
   *  bracket's leg): it is the trade's exit now, for `reason`; `done` = it sold everything */
  | { type: 'STOP_FILLED'; price: number; done: boolean; reason: 'broker_stop' | 'hard_stop' | 'profit_target' };

/** what bringing the broker's stop in line came to */
export type StopResult =
  | { kind: 'protected' }
  /** nothing to place now (stops off, entry still working, nothing held): waits for a change */
  | { kind: 'none'; why: string }
  /** the stop could not be placed or replaced now: tried again after the stop retry wait */
  | { kind: 'failed'; why: string }
  /** the stop was found filled: its fill is the trade's exit (STOP_FILLED follows) */
  | { kind: 'filled' };

/** what a sell's submission came to (the sell already recorded when accepted) */
export type SubmitResult =
  | { kind: 'accepted' }
  | { kind: 'nothing' }
  /** `refusedQty`: the decimal quantity of a sell refused for its quantity, else null */
  | { kind: 'rejected'; error: string; refusedQty: string | null };

/** what a retry found at the broker (retrying has recorded the next sell's id when it sells) */
export type RetryResult =
  | { kind: 'sell'; qty: string }
  | { kind: 'unreadable'; why: string }
  | { kind: 'flat' }
  | { kind: 'refused_again'; qty: string };

/** what a restored exiting trade learned of its exit */
export interface ResumeResult {
  intent: ExitIntent | null;
  /** 'send': no sell carries the recorded id, send it; 'await': the sell is known, wait for it */
  next: 'send' | 'await';
}

export interface PositionMachineInput {
  tradeId: string;
  symbol: string;
  /** the status of the row it was built from (a restart, a re-adoption); null: from its entry */
  restored: 'open' | 'exiting' | null;
  /** the row names an exit sell's id but no broker order: whether it was sent is unknown */
  unsentExit: boolean;
  /** the attempt the row's exit id names (0 before the first sell) */
  attempt: number;
  /** the rule the row's exit id carries, when it says */
  intent: ExitIntent | null;
  /** when the row was last written (a restored exit began no later) */
  since: EpochMs;
}

export interface PositionMachineContext extends PositionMachineInput {
  /** an EXIT that arrived before it could be carried out */
  deferredExit: TimedIntent | null;
  /** the quantity (decimal text) a retry sells; null: what the trade holds */
  sellQty: string | null;
  /** the 'exiting' record names the current attempt's sell: a send reuses that id exactly */
  recorded: boolean;
  /** why the last sell did not complete */
  why: string;
  /** the quantity (decimal text) of a sell refused for its quantity, else null */
  refused: string | null;
  /** an exit order ended short while the next sell was being sent */
  shortWhileSending: boolean;
  /** why the exit stopped trying; null while it tries */
  gaveUp: string | null;
  /** why the position has no protective stop at the broker now; null when it has one (or none is wanted) */
  stopWhy: string | null;
}
