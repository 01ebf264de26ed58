/**
 * POST /api/signals/:id/invalidate: the signal no longer holds (its catalyst was wrong, the news
 * retracted). What it does depends on how far the signal got:
 *  - waiting for approval → rejected, the reason as its note;
 *  - its entry still working → the entry is cancelled (a part that fills meanwhile is sold);
 *  - its trade open → sold at market, exit reason 'signal_invalidated'.
 * Invariants: anything else is refused with the reason (409: nothing live to act on, or no actor to
 * act — the bot stopped) and changes nothing; every invalidation that acts is journaled with its
 * reason, on the signal and on its trade.
 */
import type { ControlError, ControlResult } from '../lifecycle/bot-control.types.js';
import type { PipelineRuntime } from './pipeline-runtime.js';
import { rejectSignal } from './approvals.js';
import { appendJournalEntries, getSignal, getTrade } from '../../adapters/postgres/index.js';

export interface Invalidation {
  signalId: string;
  /** rejected: it waited for approval; cancelling_entry: its entry is being cancelled; exiting: its position is being sold */
  action: 'rejected' | 'cancelling_entry' | 'exiting';
  tradeId: string | null;
  reason: string;
}

const refuse = (code: ControlError['code'], message: string, httpStatus: 404 | 409, details: Record<string, unknown> = {}): ControlResult<never> =>
  ({ ok: false, error: { code, message, httpStatus, details } });

export async function invalidateSignal(rt: PipelineRuntime, id: string, reason: string, cause: string): Promise<ControlResult<Invalidation>> {
  const { db, clock, supervisor } = rt.deps;
  const record = await getSignal(db, id);
  if (!record) return refuse('NOT_FOUND', `no signal ${id}`, 404);
  if (record.status === 'pending') {
    const rejected = await rejectSignal(rt, id, `invalidated: ${reason}`, cause);
    return rejected.ok ? { ok: true, value: { signalId: id, action: 'rejected', tradeId: null, reason } } : rejected;
  }
  const trade = record.tradeId ? await getTrade(db, record.tradeId) : null;
  if (!trade) return refuse('SIGNAL_NOT_LIVE', `signal ${id} has nothing live to invalidate (${record.status})`, 409, { status: record.status });
  if (trade.status !== 'pending_entry' && trade.status !== 'open') {
    return refuse('SIGNAL_NOT_LIVE', `signal ${id}'s trade is ${trade.status}${trade.exitReason ? ` (${trade.exitReason})` : ''}: nothing to invalidate`, 409, { status: record.status, tradeStatus: trade.status });
  }
  const detail = `signal ${id} invalidated: ${reason}`;
  if (!supervisor.exitTrade(trade.id, 'signal_invalidated', detail)) {
    return refuse('POSITION_UNATTENDED', `no position actor holds trade ${trade.id} (is the bot stopped?): start the bot, then invalidate again`, 409, { tradeStatus: trade.status });
  }
  const action = trade.status === 'pending_entry' ? 'cancelling_entry' : 'exiting';
  const data = { event: 'signal_invalidated', signalId: id, tradeId: trade.id, reason, action };
  await appendJournalEntries(db, [
    { kind: 'signal', cause, subject: id, message: `${detail}; ${action === 'exiting' ? 'selling the position' : 'cancelling the entry'}`, data },
    { kind: 'warning', cause, subject: trade.id, message: `${trade.symbol}: ${detail}`, data },
  ], clock.now());
  return { ok: true, value: { signalId: id, action, tradeId: trade.id, reason } };
}
