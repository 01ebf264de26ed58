/**
 * How a signal's decision is stored and answered: the record, the status a decision maps to, the
 * write of a decision without a trade (one insert + journal) and of a fired one (trade, signal and
 * journal in ONE statement, then the POST after the answer), and the signal's journal entry.
 * Invariants: a repeated id never writes twice (ON CONFLICT DO NOTHING, or the unique violation of
 * the fired statement) and is answered from the stored row.
 */
import type { Denial } from '../../domain/denial.js';
import { sizeWarnings } from '../../core/sizing/size-entry.js';
import type { SignalAnswer, SignalInput, SignalRecord, SignalStatus } from '../../domain/signal.js';
import type { JournalInput } from '../../domain/journal.js';
import type { Trade } from '../../domain/trade.js';
import type { EntryChoice } from '../../core/sizing/bracket-entry.js';
import { entryPlan } from './entry-executor.js';
import type { Evaluation } from './evaluate-signal.js';
import type { PipelineRuntime } from './pipeline-runtime.js';
import { appendJournal, getSignal, insertFiredEntry, insertSignal, isUniqueViolation, type DbOrTrx } from '../../adapters/postgres/index.js';
import { randomUUID } from 'node:crypto';

const CAUSE = 'signal';

export const EMERGENCY_DENIAL: Denial = { code: 'BOT_NOT_RUNNING', message: 'emergency stop in progress: no new entries', context: { emergencyStop: true } };

export const answerOf = (r: SignalRecord): SignalAnswer => {
  const answer: SignalAnswer = r.denial ? { signalId: r.id, outcome: r.status, reason: r.denial.code } : { signalId: r.id, outcome: r.status };
  // the reductions of a size that was used (a skipped signal's size is not what happened)
  const adjustments = r.denial ? [] : r.size?.adjustments ?? [];
  if (adjustments.length > 0) {
    answer.adjustments = adjustments;
    answer.warnings = sizeWarnings(r.size);
  }
  return answer;
};

export function statusFor(ev: Evaluation): SignalStatus {
  if (ev.unrated) return 'skipped';
  if (ev.duplicate) return 'skipped_duplicate';
  if (ev.config.executionMode === 'signal_only') return 'logged';
  if (ev.denial) return 'skipped';
  return ev.config.executionMode === 'semi_auto' ? 'pending' : 'fired';
}

export function baseRecord(input: SignalInput, receivedAt: number, decidedAt: number | null, mode: SignalRecord['executionMode'], stars: number | null): SignalRecord {
  return {
    id: input.id as string, receivedAt, input, executionMode: mode, stars, status: 'skipped', denial: null,
    verdicts: [], size: null, tradeId: null, expiresAt: null, decidedAt, note: null,
  };
}

export async function store(rt: PipelineRuntime, record: SignalRecord, patch: Partial<SignalRecord>): Promise<SignalAnswer> {
  const full = { ...record, ...patch };
  const saved = await rt.deps.db.transaction().execute(async (trx) => {
    const { inserted, record: stored } = await insertSignal(trx, full);
    if (inserted) await journalSignal(trx, stored, rt.deps.clock.now());
    return stored;
  });
  rt.emit({ type: 'signal', signalId: saved.id, outcome: saved.status, tradeId: saved.tradeId });
  return answerOf(saved);
}

/** the trade row, the signal (carrying the trade id) and both journal entries in ONE statement
 *  (entry.repo.ts), then the POST after the answer */
export async function fire(rt: PipelineRuntime, record: SignalRecord, choice: EntryChoice): Promise<SignalAnswer> {
  const { db, clock } = rt.deps;
  const now = clock.now();
  const plan = entryPlan(record, CAUSE, randomUUID(), choice);
  const fired: SignalRecord = { ...record, tradeId: plan.tradeId };
  let trade: Trade;
  try {
    trade = await insertFiredEntry(db, { tradeId: plan.tradeId, trade: plan.trade, signal: fired, journal: [...plan.journal, signalJournal(fired, CAUSE)] }, now);
  } catch (error) {
    // another writer stored this id first (its entry client order id, derived from it, is unique too): nothing was written
    const stored = isUniqueViolation(error) ? await getSignal(db, record.id) : null;
    if (!stored) throw error;
    return answerOf(stored);
  }
  rt.submitInBackground(trade, CAUSE, record.receivedAt);
  rt.emit({ type: 'signal', signalId: fired.id, outcome: fired.status, tradeId: fired.tradeId });
  return answerOf(fired);
}

export async function journalSignal(db: DbOrTrx, r: SignalRecord, now: number, cause = CAUSE): Promise<void> {
  await appendJournal(db, signalJournal(r, cause), now);
}

export function signalJournal(r: SignalRecord, cause: string): JournalInput {
  const reason = r.denial ? ` (${r.denial.code}: ${r.denial.message})` : '';
  const adjustments = r.size?.adjustments ?? [];
  const adjusted = !r.denial && adjustments.length > 0 ? `; ${sizeWarnings(r.size).join('; ')}` : '';
  return {
    kind: 'signal', cause, subject: r.id,
    message: `signal ${r.id} ${r.input.symbol} ${r.stars ?? '?'}★ → ${r.status}${reason}${adjusted}`,
    data: {
      signalId: r.id, symbol: r.input.symbol, status: r.status, stars: r.stars, executionMode: r.executionMode,
      denial: r.denial, verdicts: r.verdicts,
      size: r.size ? { notional: r.size.notional.toFixed(), inputs: r.size.inputs, adjustments: adjustments.map((a) => ({ field: a.field, from: a.from.toFixed(), to: a.to.toFixed(), reason: a.reason })) } : null,
      tradeId: r.tradeId, expiresAt: r.expiresAt, note: r.note,
    },
  };
}
