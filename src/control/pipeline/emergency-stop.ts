/**
 * The kill switch: refuse new entries → cancel every open order → optionally exit every position
 * (kill_switch) → the bot ends stopped (halted stays halted).
 * Invariants: the refusal is the first thing that happens (the flag every entry path reads before
 * anything else); every cancel answer is reported element by element (a 207 hides failures);
 * with closePositions the bot is stopped only after the exits have closed (or a deadline on the
 * injected clock passed), because stopping the supervisor would orphan the exit fills; every
 * step is journaled.
 */
import { filter, firstValueFrom, take } from 'rxjs';
import type { CancelOrderResult } from '../../ports/broker.port.js';
import type { EmergencyStopReport } from '../pipeline.types.js';
import type { PipelineRuntime } from './pipeline-runtime.js';
import { appendJournal, listTrades } from './repos.js';
import { LIVE_TRADE_STATUSES } from '../../domain/trade.js';

export interface KeelEmergencyStopReport extends EmergencyStopReport {
  /** live trades left at the broker (not closed by this stop) */
  left: string[];
}

export async function emergencyStop(rt: PipelineRuntime, opts: { closePositions: boolean }, cause: string): Promise<KeelEmergencyStopReport> {
  rt.emergency = true;
  rt.emit({ type: 'emergency_stop', phase: 'started' });
  const { deps } = rt;
  try {
    await journal(rt, cause, `emergency stop: refusing new entries${opts.closePositions ? ', closing every position' : ''}`, { closePositions: opts.closePositions });
    // whatever intake or approval was mid-decision, and its POST, finishes BEFORE the cancel:
    // otherwise an entry sent a moment later would survive the kill switch
    await rt.idle();
    const cancelledOrders = await cancelAll(rt);
    await journal(rt, cause, `emergency stop: ${cancelledOrders.length} open order(s) cancelled`, { cancelledOrders });

    let closing: string[] = [];
    let failed: Array<{ tradeId: string; error: string }> = [];
    if (opts.closePositions) {
      const exits = await deps.supervisor.exitAll('kill_switch');
      closing = exits.exiting;
      failed = exits.failed;
      await journal(rt, cause, `emergency stop: exits sent for ${closing.length} trade(s), ${failed.length} failed`, { closing, failed });
      await waitForClosed(rt, closing);
    }
    const state = await stopBot(rt, cause);
    const left = (await listTrades(deps.db, { statuses: LIVE_TRADE_STATUSES })).map((t) => t.id);
    const report: KeelEmergencyStopReport = { cancelledOrders, closing, failed, state, left };
    await journal(rt, cause, `emergency stop finished: bot ${state}, ${left.length} live trade(s) left`, { ...report });
    return report;
  } finally {
    rt.emergency = false;
    rt.emit({ type: 'emergency_stop', phase: 'finished' });
  }
}

async function cancelAll(rt: PipelineRuntime): Promise<EmergencyStopReport['cancelledOrders']> {
  const broker = rt.deps.broker();
  if (!broker) return [];
  let results: CancelOrderResult[];
  try {
    results = await broker.cancelAllOrders();
  } catch (error) {
    return [{ orderId: '*', status: 0, error: error instanceof Error ? error.message : String(error) }];
  }
  return results.map((r) => ({ orderId: r.orderId, status: r.status, error: r.error?.message ?? null }));
}

/** each exiting trade's 'closed' (or 'exit_failed'), or the deadline on the injected clock */
async function waitForClosed(rt: PipelineRuntime, tradeIds: string[]): Promise<void> {
  if (tradeIds.length === 0) return;
  const waiting = new Set(tradeIds);
  const abort = new AbortController();
  const done = firstValueFrom(rt.deps.supervisor.events$.pipe(
    filter((e) => (e.type === 'closed' || e.type === 'exit_failed' || e.type === 'untracked') && waiting.delete(e.tradeId) && waiting.size === 0),
    take(1),
  ), { defaultValue: undefined });
  const deadline = rt.deps.clock.sleep(rt.deps.emergencyCloseWaitMs ?? 30_000, abort.signal).catch(() => undefined);
  // trades may have closed before we subscribed: the database is the truth
  const stillLive = await listTrades(rt.deps.db, { statuses: ['exiting', 'open'] });
  for (const id of [...waiting]) if (!stillLive.some((t) => t.id === id)) waiting.delete(id);
  if (waiting.size > 0) await Promise.race([done, deadline]);
  abort.abort();
}

async function stopBot(rt: PipelineRuntime, cause: string): Promise<string> {
  const status = await rt.deps.control.status();
  if (status.state === 'running' || status.state === 'paused') {
    const result = await rt.deps.control.act('stop', cause);
    return result.ok ? result.value.state : (await rt.deps.control.status()).state;
  }
  return status.state;
}

async function journal(rt: PipelineRuntime, cause: string, message: string, data: Record<string, unknown>) {
  await appendJournal(rt.deps.db, { kind: 'warning', cause, subject: 'emergency-stop', message, data }, rt.deps.clock.now());
}
