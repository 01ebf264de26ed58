/**
 * GET /api/trades and /api/trades/:id: trades as the journal has them, an open trade's peak taken
 * live from its running position actor (the column is persisted on a throttle, so it can lag the
 * trailing stop's real peak by one flush period); one trade with its provenance (signal,
 * verdicts, hold time, journal).
 */
import { Decimal } from '../../domain/money.js';
import type { Trade } from '../../domain/trade.js';
import type { Page, TradeQuery } from '../../domain/query.js';
import type { TradeDetail } from './pipeline.types.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { getSignal, getTrade, listJournalForSubjects, listTradesPage } from '../../adapters/postgres/index.js';

/** the trade with its live peak when its position is open in this process and the peak rose past the row's */
export function withLivePeak(trade: Trade, supervisor: Pick<PipelineDeps['supervisor'], 'livePeak'>): Trade {
  if (trade.status !== 'open') return trade;
  const live = supervisor.livePeak(trade.id);
  if (live === null || (trade.peakPrice !== null && trade.peakPrice.gte(live))) return trade;
  return { ...trade, peakPrice: new Decimal(live) };
}

export async function tradePage(deps: PipelineDeps, query: TradeQuery): Promise<Page<Trade>> {
  const page = await listTradesPage(deps.db, query);
  return { ...page, items: page.items.map((trade) => withLivePeak(trade, deps.supervisor)) };
}

export async function tradeDetail(deps: PipelineDeps, id: string): Promise<TradeDetail | null> {
  const row = await getTrade(deps.db, id);
  if (!row) return null;
  const trade = withLivePeak(row, deps.supervisor);
  const signal = trade.signalId ? await getSignal(deps.db, trade.signalId) : null;
  const subjects = [trade.id, trade.entryOrderId, trade.exitOrderId, trade.entryClientOrderId, trade.exitClientOrderId, trade.stopOrderId, trade.signalId]
    .filter((s): s is string => s !== null);
  const journal = await listJournalForSubjects(deps.db, subjects);
  const holdSeconds = trade.entryAt !== null && trade.exitAt !== null ? Math.round((trade.exitAt - trade.entryAt) / 1000) : null;
  return { trade, signal, verdicts: signal?.verdicts ?? [], holdSeconds, journal };
}
