/** GET /api/trades/:id: the trade with its provenance (signal, verdicts, hold time, journal). */
import type { TradeDetail } from '../pipeline.types.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { getSignal, getTrade, listJournalForSubjects } from './repos.js';

export async function tradeDetail(deps: PipelineDeps, id: string): Promise<TradeDetail | null> {
  const trade = await getTrade(deps.db, id);
  if (!trade) return null;
  const signal = trade.signalId ? await getSignal(deps.db, trade.signalId) : null;
  const subjects = [trade.id, trade.entryOrderId, trade.exitOrderId, trade.entryClientOrderId, trade.exitClientOrderId, trade.signalId]
    .filter((s): s is string => s !== null);
  const journal = await listJournalForSubjects(deps.db, subjects);
  const holdSeconds = trade.entryAt !== null && trade.exitAt !== null ? Math.round((trade.exitAt - trade.entryAt) / 1000) : null;
  return { trade, signal, verdicts: signal?.verdicts ?? [], holdSeconds, journal };
}
