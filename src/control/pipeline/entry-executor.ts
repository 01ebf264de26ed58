/**
 * Entry execution in two halves, so ingestion can answer before the broker is asked:
 *  - persistEntry (inside the caller's transaction): the trade row (pending_entry, with its
 *    deterministic client order id) and the 'order_submitted' intent, BEFORE any POST;
 *  - submitEntry (after the answer, never awaited by ingestion): one notional market buy, day;
 *    the outcome is handed to the position supervisor, then journaled.
 * Invariants: exactly one POST per trade row (a repeated signal id never reaches here: the signal
 * insert is idempotent); an ambiguous POST is left 'unknown' for the supervisor to resolve by client
 * order id, never re-sent; a submission that throws is reported as unknown, never swallowed.
 */
import { BrokerError } from '../../domain/broker-error.js';
import type { SignalRecord } from '../../domain/signal.js';
import type { NewTrade, Trade } from '../../domain/trade.js';
import { chooseEntry, type EntryChoice } from '../../core/sizing/bracket-entry.js';
import { planExits } from '../../core/exits/exit-plan.js';
import type { BotConfig } from '../../domain/bot-config.js';
import { Decimal } from '../../domain/money.js';
import type { OrderRequest } from '../../domain/order.js';
import type { JournalInput } from '../../domain/journal.js';
import type { SubmitOutcome } from '../../ports/broker.port.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { appendJournal, appendJournalEntries, insertTrade, type DbOrTrx } from '../../adapters/postgres/index.js';
import { createHash, randomUUID } from 'node:crypto';
import { errorText } from '../../lib/error-text.js';

/**
 * The entry order's client_order_id, derived from the signal id alone.
 * Invariants: the same signal id always gives the same id (a retried or replayed signal can never
 * produce a second, differently-named order, and an ambiguous POST is resolved by looking this id
 * up); at most 48 characters (Alpaca allows 128, we keep room); only [a-z0-9-].
 * Hashing (rather than embedding the signal id) keeps client-chosen ids of any length or alphabet
 * out of the broker's namespace; 32 hex characters are 128 bits, collisions are not a practical concern.
 */
export function entryClientOrderId(signalId: string): string {
  const digest = createHash('sha256').update(signalId, 'utf8').digest('hex');
  return `k-${digest.slice(0, 32)}-e`;
}

export async function persistEntry(trx: DbOrTrx, record: SignalRecord, cause: string, now: number, choice: EntryChoice): Promise<Trade> {
  const trade = await insertTrade(trx, entryPlan(record, cause, randomUUID(), choice).trade, now);
  // the database chose the trade id: the intent names that one
  await appendJournalEntries(trx, entryPlan(record, cause, trade.id, choice).journal, now);
  return trade;
}

/** the trade's exit levels and how its entry is sent (a bracket when asked for and possible) */
export function planTrade(signal: SignalRecord['input'], config: BotConfig, notional: Decimal): EntryChoice {
  return chooseEntry(planExits(signal, config.exitOverrides), config, signal.priceAtSignal, notional);
}

/** what firing a signal writes: the trade row (pending_entry, deterministic client order id) and the
 *  'order_submitted' intent, keyed by a trade id chosen here so one statement can write them all */
export function entryPlan(record: SignalRecord, cause: string, tradeId: string, choice: EntryChoice): { tradeId: string; trade: NewTrade; journal: JournalInput[] } {
  const exitPlan = choice.plan;
  if (!record.size) throw new Error(`signal ${record.id} has no size`);
  const clientOrderId = entryClientOrderId(record.id);
  const trade: NewTrade = {
    symbol: record.input.symbol,
    side: 'buy',
    status: 'pending_entry',
    entryClientOrderId: clientOrderId,
    notional: record.size.notional,
    stars: record.stars,
    catalystType: record.input.catalystType,
    catalystTier: record.input.catalystTier,
    strategy: record.input.strategy,
    signalId: record.id,
    exitPlan,
  };
  const b = exitPlan.bracket;
  const what = b
    ? `bracket buy ${b.qty} ${trade.symbol} at ${b.limitPrice === null ? 'market' : `limit ${b.limitPrice}`} (day), take profit ${b.takeProfit}, stop loss ${b.stopLoss}`
    : `notional market buy $${record.size.notional.toFixed(2)} ${trade.symbol} (day)${choice.fallback ? `; ${choice.fallback}` : ''}`;
  const journal: JournalInput = {
    kind: 'order_submitted', cause, subject: tradeId,
    message: `entry: ${what}, client order id ${clientOrderId}`,
    data: { intent: true, tradeId, signalId: record.id, clientOrderId, symbol: trade.symbol, notional: record.size.notional.toFixed(), sizeInputs: record.size.inputs, exitPlan, fallback: choice.fallback },
  };
  return { tradeId, trade, journal: [journal] };
}

export function entryOrder(trade: Trade): OrderRequest {
  if (!trade.entryClientOrderId || !trade.notional) throw new Error(`trade ${trade.id} is not an entry`);
  const b = trade.exitPlan?.bracket;
  if (b) {
    return {
      symbol: trade.symbol, side: 'buy', type: b.limitPrice === null ? 'market' : 'limit', timeInForce: 'day', qty: new Decimal(b.qty),
      ...(b.limitPrice === null ? {} : { limitPrice: new Decimal(b.limitPrice) }), clientOrderId: trade.entryClientOrderId,
      orderClass: 'bracket', takeProfit: { limitPrice: new Decimal(b.takeProfit) }, stopLoss: { stopPrice: new Decimal(b.stopLoss) },
    };
  }
  return { symbol: trade.symbol, side: 'buy', type: 'market', timeInForce: 'day', notional: trade.notional, clientOrderId: trade.entryClientOrderId };
}

export async function submitEntry(deps: PipelineDeps, trade: Trade, cause: string): Promise<SubmitOutcome> {
  const request = entryOrder(trade);
  const outcome = await submitOnce(deps, request);
  deps.supervisor.entrySubmitted(trade, outcome);
  try {
    await appendJournal(deps.db, {
      kind: 'order_outcome', cause, subject: trade.id,
      message: describe(outcome, trade),
      data: outcomeData(outcome, trade),
    }, deps.clock.now());
  } catch (error) {
    deps.warn?.(`journal write failed for the entry outcome of trade ${trade.id}`, error);
  }
  return outcome;
}

async function submitOnce(deps: PipelineDeps, request: OrderRequest): Promise<SubmitOutcome> {
  const broker = deps.broker();
  if (!broker) return unknown(request.clientOrderId, 'no broker adapter for the current mode');
  try {
    return await broker.submitOrder(request);
  } catch (error) {
    // submitOrder classifies every wire failure itself; reaching here means we cannot tell
    return unknown(request.clientOrderId, errorText(error));
  }
}

const unknown = (clientOrderId: string, message: string): SubmitOutcome => ({
  kind: 'unknown', clientOrderId, error: new BrokerError({ category: 'network', operation: 'POST /v2/orders', message }),
});

function describe(outcome: SubmitOutcome, trade: Trade): string {
  switch (outcome.kind) {
    case 'accepted': return `entry order ${outcome.order.id} accepted (${outcome.order.status})${outcome.recovered ? ', found by client order id' : ''}`;
    case 'rejected': return `entry order for ${trade.symbol} rejected: ${outcome.error.brokerMessage}`;
    case 'unknown': return `entry order for ${trade.symbol}: outcome unknown (${outcome.error.brokerMessage}); resolving by client order id`;
  }
}

function outcomeData(outcome: SubmitOutcome, trade: Trade): Record<string, unknown> {
  const base = { tradeId: trade.id, signalId: trade.signalId, clientOrderId: trade.entryClientOrderId, outcome: outcome.kind };
  if (outcome.kind === 'accepted') return { ...base, orderId: outcome.order.id, status: outcome.order.status, recovered: outcome.recovered };
  return { ...base, status: outcome.error.status, code: outcome.error.code, error: outcome.error.brokerMessage, category: outcome.error.category };
}
