/**
 * Signal ingestion: store first, answer at once, send after the answer.
 * Invariants:
 *  - a repeated id gets the stored answer and never a second order (looked up first, and the
 *    insert itself is ON CONFLICT DO NOTHING inside the transaction that creates the trade);
 *  - the emergency flag is read before anything else;
 *  - rating failures → skipped; a live trade on the symbol → skipped_duplicate (no trade row);
 *    signal_only → logged with its verdicts; semi_auto → pending (denied → skipped);
 *    full_auto → fired: signal + trade (pending_entry) + journal in ONE transaction, then the POST.
 */
import type { Denial } from '../../domain/denial.js';
import type { SignalAnswer, SignalInput, SignalRecord, SignalStatus } from '../../domain/signal.js';
import { entryPlan } from './entry-executor.js';
import { evaluateSignal, type Evaluation } from './evaluate-signal.js';
import type { PipelineRuntime } from './pipeline-runtime.js';
import { appendJournal, getSignal, insertFiredEntry, insertSignal, isUniqueViolation, type DbOrTrx } from './repos.js';
import type { JournalInput } from '../../domain/journal.js';
import type { Trade } from '../../domain/trade.js';
import type { SignalEvaluation } from '../pipeline.types.js';
import { randomUUID } from 'node:crypto';

const CAUSE = 'signal';

export const EMERGENCY_DENIAL: Denial = { code: 'BOT_NOT_RUNNING', message: 'emergency stop in progress: no new entries', context: { emergencyStop: true } };

export const answerOf = (r: SignalRecord): SignalAnswer =>
  (r.denial ? { signalId: r.id, outcome: r.status, reason: r.denial.code } : { signalId: r.id, outcome: r.status });

export function ingestSignal(rt: PipelineRuntime, input: SignalInput): Promise<SignalAnswer> {
  return rt.exclusive(async () => {
    const { deps } = rt;
    const signal: SignalInput = { ...input, id: input.id ?? (deps.newId ?? randomUUID)() };
    const now = deps.clock.now();
    if (rt.emergency) {
      const stored = input.id !== null ? await getSignal(deps.db, input.id) : null;
      if (stored) return answerOf(stored);
      const config = await deps.control.getConfig();
      return store(rt, baseRecord(signal, now, config.executionMode, null), { status: 'skipped', denial: EMERGENCY_DENIAL });
    }
    // the evaluation's one read also says whether the id is stored (docs/benchmarks.md, B6b); a stored answer wins
    const ev = await evaluateSignal(deps, rt.account, signal);
    const stored = input.id !== null && (ev.facts?.signalStored ?? true) ? await getSignal(deps.db, input.id) : null;
    if (stored) return answerOf(stored);
    const record = { ...baseRecord(signal, now, ev.config.executionMode, ev.stars), verdicts: ev.verdicts, size: ev.size };
    const status = statusFor(ev);
    if (status !== 'fired') {
      const expiresAt = status === 'pending' ? now + ev.config.approvalTtlMinutes * 60_000 : null;
      return store(rt, record, { status, denial: ev.denial, expiresAt, decidedAt: status === 'pending' ? null : now });
    }
    return fire(rt, { ...record, status: 'fired', decidedAt: now });
  });
}

/** the what-if: the same evaluation as intake (every check's verdict, even for a duplicate), nothing stored or sent */
export async function whatIf(rt: PipelineRuntime, input: SignalInput): Promise<SignalEvaluation> {
  const signal: SignalInput = { ...input, id: input.id ?? 'what-if' };
  const ev = rt.emergency
    ? null
    : await evaluateSignal(rt.deps, rt.account, signal, { whatIf: true });
  if (!ev) {
    const config = await rt.deps.control.getConfig();
    return { symbol: input.symbol, executionMode: config.executionMode, stars: null, outcome: 'would_skip', denial: EMERGENCY_DENIAL, verdicts: [], size: null };
  }
  const outcomes: Record<SignalStatus, SignalEvaluation['outcome']> = {
    fired: 'would_fire', pending: 'would_wait_for_approval', logged: 'would_log_only', skipped: 'would_skip',
    skipped_duplicate: 'would_skip_duplicate', approved: 'would_fire', rejected: 'would_skip', expired: 'would_skip',
  };
  return {
    symbol: input.symbol, executionMode: ev.config.executionMode, stars: ev.stars, outcome: outcomes[statusFor(ev)],
    denial: ev.denial, verdicts: ev.verdicts, size: ev.size,
  };
}

function statusFor(ev: Evaluation): SignalStatus {
  if (ev.unrated) return 'skipped';
  if (ev.duplicate) return 'skipped_duplicate';
  if (ev.config.executionMode === 'signal_only') return 'logged';
  if (ev.denial) return 'skipped';
  return ev.config.executionMode === 'semi_auto' ? 'pending' : 'fired';
}

function baseRecord(input: SignalInput, now: number, mode: SignalRecord['executionMode'], stars: number | null): SignalRecord {
  return {
    id: input.id as string, receivedAt: now, input, executionMode: mode, stars, status: 'skipped', denial: null,
    verdicts: [], size: null, tradeId: null, expiresAt: null, decidedAt: now, note: null,
  };
}

async function store(rt: PipelineRuntime, record: SignalRecord, patch: Partial<SignalRecord>): Promise<SignalAnswer> {
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
 *  (fired-entry.repo.ts), then the POST after the answer */
async function fire(rt: PipelineRuntime, record: SignalRecord): Promise<SignalAnswer> {
  const { db, clock } = rt.deps;
  const now = clock.now();
  const plan = entryPlan(record, CAUSE, randomUUID());
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
  rt.submitInBackground(trade, CAUSE);
  rt.emit({ type: 'signal', signalId: fired.id, outcome: fired.status, tradeId: fired.tradeId });
  return answerOf(fired);
}

export async function journalSignal(db: DbOrTrx, r: SignalRecord, now: number, cause = CAUSE): Promise<void> {
  await appendJournal(db, signalJournal(r, cause), now);
}

export function signalJournal(r: SignalRecord, cause: string): JournalInput {
  const reason = r.denial ? ` (${r.denial.code}: ${r.denial.message})` : '';
  return {
    kind: 'signal', cause, subject: r.id,
    message: `signal ${r.id} ${r.input.symbol} ${r.stars ?? '?'}★ → ${r.status}${reason}`,
    data: {
      signalId: r.id, symbol: r.input.symbol, status: r.status, stars: r.stars, executionMode: r.executionMode,
      denial: r.denial, verdicts: r.verdicts, size: r.size ? { notional: r.size.notional.toFixed(), inputs: r.size.inputs } : null,
      tradeId: r.tradeId, expiresAt: r.expiresAt, note: r.note,
    },
  };
}
