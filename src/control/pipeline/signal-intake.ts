/**
 * Signal ingestion: answer at once, decide in order, send after the decision.
 * Invariants of the intake:
 *  - the answer never waits for the broker (a read, a rate limit) nor for another signal's broker
 *    wait: when the decision can be made from what Keel holds it is the answer, otherwise the
 *    signal is stored as `received` first and that is the answer;
 *  - a repeated id gets the stored answer and never a second order;
 *  - the emergency flag is read before anything else;
 *  - rating failures → skipped; a live trade on the symbol → skipped_duplicate (no trade row);
 *    signal_only → logged with its verdicts; semi_auto → pending (denied → skipped);
 *    full_auto → fired: signal + trade (pending_entry) + journal in ONE transaction, then the POST.
 *
 * One signal's decision runs in the pipeline's decision queue. The answer is the decision when it
 * can be made from what Keel holds (the database, the account snapshot, the cached market clock, a
 * known price); when it must wait for the broker (a cold account snapshot after a restart, a lapsed
 * market clock, a price to read, a rate limit), or a decision ahead of it waits, the signal is
 * stored as `received` and that is the answer. Then:
 *  - the decision updates the row (compare-and-set on 'received'); a fired entry writes its trade and
 *    intent in the same transaction, before its POST;
 *  - every check runs again on facts gathered AFTER the broker read, so a kill switch, a pause or
 *    a filled symbol during the wait is seen; the commit itself re-reads the emergency flag;
 *  - a signal not decided within the decision window (decisionWindowMs, default 60 s after its
 *    receipt) is expired with SIGNAL_TOO_OLD: a catalyst entry placed that late chases a price the
 *    signal never saw. The same holds for signals a restart finds still received (recoverReceived);
 *  - a repeated id gets the stored answer and never a second order: the received row is an
 *    INSERT … ON CONFLICT DO NOTHING, and a second signal with that id answers from the first.
 */
import { sizeWarnings } from '../../core/sizing/size-entry.js';
import type { EntryChoice } from '../../core/sizing/bracket-entry.js';
import type { SignalAnswer, SignalInput, SignalRecord, SignalStatus } from '../../domain/signal.js';
import { rateStars } from '../../core/signals/rate-stars.js';
import { evaluateAfterBrokerRead, evaluateSignal, needsBroker, type Evaluation } from './evaluate-signal.js';
import type { PipelineRuntime, QueuedDecision } from './pipeline-runtime.js';
import type { SignalEvaluation } from './pipeline.types.js';
import { decideReceivedSignal, getSignal, insertSignal, listReceivedSignals, updateSignal } from '../../adapters/postgres/index.js';
import { answerOf, baseRecord, EMERGENCY_DENIAL, fire, journalSignal, signalJournal, statusFor, store } from './signal-record.js';
import type { Denial } from '../../domain/denial.js';
import { persistEntry, planTrade } from './entry-executor.js';
import { randomUUID } from 'node:crypto';

export async function ingestSignal(rt: PipelineRuntime, input: SignalInput): Promise<SignalAnswer> {
  const { deps } = rt;
  const signal: SignalInput = { ...input, id: input.id ?? (deps.newId ?? randomUUID)() };
  const now = deps.clock.now();
  if (rt.emergency) {
    const stored = input.id !== null ? await getSignal(deps.db, input.id) : null;
    if (stored) return answerOf(stored);
    const config = await deps.control.getConfig();
    return store(rt, baseRecord(signal, now, now, config.executionMode, null), { status: 'skipped', denial: EMERGENCY_DENIAL });
  }
  return queueDecision(rt, signal, now, input.id !== null);
}

/** the what-if: the same evaluation as intake (every check's verdict, even for a duplicate), nothing stored or sent */
export async function whatIf(rt: PipelineRuntime, input: SignalInput): Promise<SignalEvaluation> {
  const signal: SignalInput = { ...input, id: input.id ?? 'what-if' };
  const ev = rt.emergency
    ? null
    : await evaluateSignal(rt.deps, rt.account, signal, { whatIf: true });
  if (!ev) {
    const config = await rt.deps.control.getConfig();
    return { symbol: input.symbol, executionMode: config.executionMode, stars: null, outcome: 'would_skip', denial: EMERGENCY_DENIAL, verdicts: [], size: null, warnings: [] };
  }
  const outcomes: Record<SignalStatus, SignalEvaluation['outcome']> = {
    fired: 'would_fire', pending: 'would_wait_for_approval', logged: 'would_log_only', skipped: 'would_skip',
    skipped_duplicate: 'would_skip_duplicate', approved: 'would_fire', rejected: 'would_skip', expired: 'would_skip',
    received: 'would_skip', // never a decision's status
  };
  return {
    symbol: input.symbol, executionMode: ev.config.executionMode, stars: ev.stars, outcome: outcomes[statusFor(ev)],
    denial: ev.denial, verdicts: ev.verdicts, size: ev.size,
    warnings: [
      ...sizeWarnings(ev.size),
      ...(ev.config.brokerStopMode === 'off' ? ["no protective stop at the broker (brokerStopMode off): only Keel's own monitor would protect the position"] : []),
    ],
  };
}

const CAUSE = 'signal';
const DEFAULT_DECISION_WINDOW_MS = 60_000;

interface Recorded { inserted: boolean; answer: SignalAnswer }

class SignalTicket implements QueuedDecision {
  readonly id: string;
  readonly answer: Promise<SignalAnswer>;
  readonly decided: Promise<SignalAnswer>;
  /** the received row: null = not (yet) asked for; resolves null when it could not be written */
  recording: Promise<Recorded | null> | null;
  private answered = false;
  private resolveAnswer!: (a: SignalAnswer) => void;
  private rejectAnswer!: (e: unknown) => void;
  resolveDecided!: (a: SignalAnswer) => void;
  rejectDecided!: (e: unknown) => void;

  constructor(private readonly rt: PipelineRuntime, readonly signal: SignalInput, readonly receivedAt: number, readonly clientId: boolean, stored: SignalRecord | null) {
    this.id = signal.id as string;
    this.answer = new Promise((resolve, reject) => { this.resolveAnswer = resolve; this.rejectAnswer = reject; });
    this.decided = new Promise((resolve, reject) => { this.resolveDecided = resolve; this.rejectDecided = reject; });
    this.decided.catch(() => undefined); // read only by whoever asks for it
    this.recording = stored ? Promise.resolve({ inserted: true, answer: answerOf(stored) }) : null;
    if (stored) this.answerWith(answerOf(stored));
  }

  record(): void {
    this.recording ??= storeReceived(this.rt, this);
  }

  answerWith(answer: SignalAnswer): void {
    if (this.answered) return;
    this.answered = true;
    this.resolveAnswer(answer);
  }

  fail(error: unknown): void {
    if (!this.answered) {
      this.answered = true;
      this.rejectAnswer(error);
    }
    this.rejectDecided(error);
  }
}

/** queues the decision; resolves with the answer for the POST (the decision, or `received`) */
export function queueDecision(rt: PipelineRuntime, signal: SignalInput, receivedAt: number, clientId: boolean): Promise<SignalAnswer> {
  const ticket = new SignalTicket(rt, signal, receivedAt, clientId, null);
  rt.enqueueDecision(ticket, () => decide(rt, ticket));
  return ticket.answer;
}

/** a restart: every signal still received is decided now, oldest first (or expired if too old) */
export async function recoverReceived(rt: PipelineRuntime): Promise<number> {
  let queued = 0;
  for (const record of await listReceivedSignals(rt.deps.db)) {
    if (rt.pendingDecision(record.id)) continue;
    const ticket = new SignalTicket(rt, record.input, record.receivedAt, true, record);
    rt.enqueueDecision(ticket, () => decide(rt, ticket));
    queued++;
  }
  return queued;
}

async function storeReceived(rt: PipelineRuntime, t: SignalTicket): Promise<Recorded | null> {
  try {
    // the mode the last decision saw (the decision stores the one it decides under)
    const mode = rt.lastMode ?? (await rt.deps.control.getConfig()).executionMode;
    const record = { ...baseRecord(t.signal, t.receivedAt, null, mode, rateStars(t.signal)), status: 'received' as const };
    const { inserted, record: stored } = await insertSignal(rt.deps.db, record);
    const answer = answerOf(stored);
    t.answerWith(answer);
    if (inserted) rt.emit({ type: 'signal', signalId: t.id, outcome: 'received', tradeId: null });
    return { inserted, answer };
  } catch (error) {
    t.fail(error);
    return null;
  }
}

async function decide(rt: PipelineRuntime, t: SignalTicket): Promise<void> {
  try {
    const answer = await decideOnce(rt, t);
    t.answerWith(answer);
    t.resolveDecided(answer);
  } catch (error) {
    t.fail(error);
    throw error;
  }
}

async function decideOnce(rt: PipelineRuntime, t: SignalTicket): Promise<SignalAnswer> {
  const { deps } = rt;
  const stops = rt.stops;
  let rowed = t.recording ? await t.recording : null;
  if (t.recording && (!rowed || !rowed.inserted)) return answerOrThrow(rowed);
  if (rt.emergency) return write(rt, t, rowed !== null, { ...(await emptyRecord(rt, t)), status: 'skipped', denial: EMERGENCY_DENIAL });

  let ev = await evaluateSignal(deps, rt.account, t.signal, { facts: { broker: 'ask' } });
  const storedBefore = needsBroker(ev) ? ev.signalStored : (ev.facts?.signalStored ?? true);
  if (!rowed && t.clientId && storedBefore) {
    const stored = await getSignal(deps.db, t.id);
    if (stored) return answerOf(stored);
  }
  if (needsBroker(ev)) {
    t.record();
    rowed = await t.recording;
    if (!rowed || !rowed.inserted) return answerOrThrow(rowed);
    ev = await evaluateAfterBrokerRead(rt, t.signal, ev.needs);
  }
  return conclude(rt, t, rowed !== null, ev, stops);
}

function answerOrThrow(rowed: Recorded | null): SignalAnswer {
  if (!rowed) throw new Error('the signal could not be stored');
  return rowed.answer;
}

async function conclude(rt: PipelineRuntime, t: SignalTicket, rowed: boolean, ev: Evaluation, stops: number): Promise<SignalAnswer> {
  const now = rt.deps.clock.now();
  rt.lastMode = ev.config.executionMode;
  const record: SignalRecord = { ...baseRecord(t.signal, t.receivedAt, now, ev.config.executionMode, ev.stars), verdicts: ev.verdicts, size: ev.size };
  const window = rt.deps.decisionWindowMs ?? DEFAULT_DECISION_WINDOW_MS;
  if (now - t.receivedAt > window) {
    const denial: Denial = {
      code: 'SIGNAL_TOO_OLD', message: `not decided within ${window / 1000} s of its receipt: not traded late`,
      context: { receivedAt: t.receivedAt, decidedAt: now, windowMs: window },
    };
    return write(rt, t, rowed, { ...record, status: 'expired', denial, note: denial.message });
  }
  const status = statusFor(ev);
  if (status !== 'fired') {
    const expiresAt = status === 'pending' ? now + ev.config.approvalTtlMinutes * 60_000 : null;
    if (expiresAt !== null) rt.pendingUntil(expiresAt);
    return write(rt, t, rowed, { ...record, status, denial: ev.denial, expiresAt, decidedAt: status === 'pending' ? null : now });
  }
  const fired: SignalRecord = { ...record, status: 'fired' };
  const choice = planTrade(t.signal, ev.config, ev.size!.notional);
  const committing = rt.commitEntry(stops, () => (rowed ? fireReceived(rt, fired, choice) : fire(rt, fired, choice)));
  if (committing) return committing;
  return write(rt, t, rowed, { ...record, status: 'skipped', denial: EMERGENCY_DENIAL, size: null });
}

async function emptyRecord(rt: PipelineRuntime, t: SignalTicket): Promise<SignalRecord> {
  const config = await rt.deps.control.getConfig();
  return baseRecord(t.signal, t.receivedAt, rt.deps.clock.now(), config.executionMode, rateStars(t.signal));
}

/** stores a decision without a trade: a new row, or the received row updated */
async function write(rt: PipelineRuntime, t: SignalTicket, rowed: boolean, record: SignalRecord): Promise<SignalAnswer> {
  if (!rowed) return store(rt, record, {});
  const updated = await decideReceivedSignal(rt.deps.db, t.id, decisionPatch(record), signalJournal(record, CAUSE), rt.deps.clock.now());
  if (!updated) return answerOf(await storedOrThrow(rt, t.id));
  rt.emit(updated.status === 'expired' ? { type: 'expired', signalId: updated.id } : { type: 'signal', signalId: updated.id, outcome: updated.status, tradeId: null });
  return answerOf(updated);
}

/** a received signal fires: its trade, intent and decision in ONE transaction, then the POST */
async function fireReceived(rt: PipelineRuntime, record: SignalRecord, choice: EntryChoice): Promise<SignalAnswer> {
  const now = rt.deps.clock.now();
  const result = await rt.deps.db.transaction().execute(async (trx) => {
    const trade = await persistEntry(trx, record, CAUSE, now, choice);
    const updated = await updateSignal(trx, record.id, { ...decisionPatch(record), tradeId: trade.id }, 'received');
    if (!updated) throw new NotReceived(); // decided elsewhere: the transaction rolls back, nothing written
    await journalSignal(trx, updated, now, CAUSE);
    return { trade, updated };
  }).catch((error: unknown) => (error instanceof NotReceived ? null : Promise.reject(error)));
  if (!result) return answerOf(await storedOrThrow(rt, record.id));
  rt.submitInBackground(result.trade, CAUSE, record.receivedAt);
  rt.emit({ type: 'signal', signalId: record.id, outcome: 'fired', tradeId: result.trade.id });
  return answerOf(result.updated);
}

class NotReceived extends Error {}

function decisionPatch(r: SignalRecord) {
  return {
    status: r.status, denial: r.denial, verdicts: r.verdicts, size: r.size, expiresAt: r.expiresAt,
    decidedAt: r.decidedAt, note: r.note, stars: r.stars, executionMode: r.executionMode,
  };
}

async function storedOrThrow(rt: PipelineRuntime, id: string): Promise<SignalRecord> {
  const stored = await getSignal(rt.deps.db, id);
  if (!stored) throw new Error(`signal ${id} vanished while being decided`);
  return stored;
}
