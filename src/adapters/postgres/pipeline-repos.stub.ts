/**
 * CONTRACT STUB (the pipeline-persistence work implements these in real modules, exports them
 * from index.ts under the SAME names, and deletes this file).
 */
import type { DbOrTrx } from './schema.js';
import type { JournalEntry } from '../../domain/journal.js';
import type { SignalRecord, SignalStatus } from '../../domain/signal.js';
import type { Trade } from '../../domain/trade.js';
import type { Page, SignalQuery, TradeQuery } from '../../control/pipeline.types.js';

const todo = (): never => { throw new Error('not implemented yet'); };

/** INSERT … ON CONFLICT (id) DO NOTHING: a repeated id returns the stored record with inserted=false */
export async function insertSignal(_db: DbOrTrx, _record: SignalRecord): Promise<{ inserted: boolean; record: SignalRecord }> { return todo(); }
export async function getSignal(_db: DbOrTrx, _id: string): Promise<SignalRecord | null> { return todo(); }
export type SignalPatch = Partial<Pick<SignalRecord, 'status' | 'denial' | 'verdicts' | 'size' | 'tradeId' | 'decidedAt' | 'note' | 'expiresAt' | 'stars'>>;
/** `expectStatus`: update only if the signal is still in that status (compare-and-set); null when it was not */
export async function updateSignal(_db: DbOrTrx, _id: string, _patch: SignalPatch, _expectStatus?: SignalStatus): Promise<SignalRecord | null> { return todo(); }
/** newest first; cursor-paged */
export async function listSignals(_db: DbOrTrx, _query: SignalQuery): Promise<Page<SignalRecord>> { return todo(); }
/** pending signals whose expiresAt ≤ now */
export async function listExpiredPendingSignals(_db: DbOrTrx, _now: number): Promise<SignalRecord[]> { return todo(); }

/** newest first (created_at, id); cursor-paged; filters of GET /api/trades */
export async function listTradesPage(_db: DbOrTrx, _query: TradeQuery): Promise<Page<Trade>> { return todo(); }
/** the trade whose entry OR exit client order id this is */
export async function getTradeByClientOrderId(_db: DbOrTrx, _clientOrderId: string): Promise<Trade | null> { return todo(); }
/** the trade whose entry OR exit Alpaca order id this is */
export async function getTradeByOrderId(_db: DbOrTrx, _orderId: string): Promise<Trade | null> { return todo(); }
/** journal entries about any of these subjects (trade id, order ids, signal id), oldest first */
export async function listJournalForSubjects(_db: DbOrTrx, _subjects: readonly string[], _limit?: number): Promise<JournalEntry[]> { return todo(); }
