/**
 * What a restored trade (a restart, a re-adoption) knows of an exit begun before it was rebuilt:
 * read from its row, its journal and the broker, never guessed.
 * Invariants:
 *  - the exit client order id's stem is on the row from the open, and a sell's id carries the
 *    rule that fired: a sell that reached the broker before a crash is found by that stem and
 *    adopted with its rule (sentExit), never sent again;
 *  - an exiting row carries no exit reason until it is closed (domain/trade.ts): the rule comes
 *    from the sell id the row names, else from the journaled 'exiting' transition;
 *  - a lookup at the broker is asked until the broker answers (findExitByStem).
 */
import { exitStemOf, parseExitOrderId } from '../core/exits/exit-order-id.js';
import type { Order } from '../domain/order.js';
import type { ExitReason, Trade } from '../domain/trade.js';
import type { BrokerPort } from '../ports/broker.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { TradeStore } from '../ports/trade-store.port.js';
import type { ResolveOptions } from './entry-resolver.js';
import type { ExitIntent } from '../machines/position.machine.js';
import { findExitByStem } from './exit-executor.js';

/** the attempt the row's exit id names (0: none yet) and the rule it carries, if the row says */
export function restoredExit(trade: Trade): { attempt: number; intent: ExitIntent | null } {
  const sent = trade.exitClientOrderId ? parseExitOrderId(trade.exitClientOrderId) : null;
  const reason = trade.exitReason ?? (trade.status === 'exiting' ? sent?.reason : null);
  return { attempt: sent?.attempt ?? 0, intent: reason ? { reason, price: 0, detail: 'restored' } : null };
}

/**
 * An open trade whose exit id is on the row but no exit order: the sell sent before a crash (found
 * by its stem), with the exit it carries out; null = none was sent.
 */
export async function sentExit(
  deps: { broker: BrokerPort; clock: Clock; resolve: ResolveOptions }, trade: Trade, exitClientOrderId: string,
): Promise<{ order: Order; intent: ExitIntent } | null> {
  const found = await findExitByStem(deps.broker, deps.clock, trade, exitStemOf(exitClientOrderId), deps.resolve);
  if (!found) return null;
  const rule = parseExitOrderId(found.clientOrderId)?.reason;
  const price = found.filledAvgPrice?.toNumber() ?? 0;
  const intent: ExitIntent = rule
    ? { reason: rule, price, detail: `restored: exit order ${found.clientOrderId} was sent before a restart` }
    : { reason: 'manual', price, detail: `restored: exit order ${found.clientOrderId} was sent before a restart (the rule that fired was not recorded)` };
  return { order: found, intent };
}

/** the exit the journal says was decided (the last transition to 'exiting'); null if none */
export async function journaledExit(store: TradeStore, tradeId: string): Promise<ExitIntent | null> {
  const entries = await store.journalOf(tradeId);
  const decided = entries.filter((e) => e.data['to'] === 'exiting' && typeof e.data['exitReason'] === 'string').pop();
  return decided ? { reason: decided.data['exitReason'] as ExitReason, price: Number(decided.data['price'] ?? 0), detail: 'restored' } : null;
}
