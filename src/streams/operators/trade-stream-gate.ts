/**
 * The stream-gap gate: from the trade_updates stream's own life events, whether
 * entries may go out, and which symbols have an open SELL order at the broker (wash-trade check).
 * Invariants:
 *  - live only after a 'resynced' (the REST catch-up of open orders and fills that follows every
 *    connect): 'connected' alone is still catching up; 'disconnected', 'resync_failed' and 'fatal'
 *    are not live; so a gap always shows as not live until the catch-up finished;
 *  - open sell orders are rebuilt from the catch-up's open orders, then follow each trade update
 *    (a non-terminal sell adds its order, a terminal one removes it); unknown order states count
 *    as open (never terminal, domain/order.ts);
 *  - synchronous and pure per event (a scan), so marble tests drive it without a clock.
 */
import { map, scan, startWith, type OperatorFunction } from 'rxjs';
import { isTerminalStatus, type Order } from '../../domain/order.js';
import type { TradeStreamEvent } from '../../ports/trade-stream.port.js';

export interface StreamGate {
  live: boolean;
  /** what the gate last saw: why it is (not) live */
  phase: 'never_connected' | 'catching_up' | 'live' | 'disconnected' | 'resync_failed' | 'fatal';
  /** when the phase began (the event's own time) */
  since: number;
  openSellSymbols: ReadonlySet<string>;
}

export const GATE_CLOSED: StreamGate = Object.freeze({ live: false, phase: 'never_connected', since: 0, openSellSymbols: new Set<string>() });

interface Acc { phase: StreamGate['phase']; since: number; sells: Map<string, string> }

export function tradeStreamGate(): OperatorFunction<TradeStreamEvent, StreamGate> {
  return (events$) => events$.pipe(
    scan<TradeStreamEvent, Acc>((acc, e) => step(acc, e), { phase: 'never_connected', since: 0, sells: new Map() }),
    map(toGate),
    startWith(GATE_CLOSED),
  );
}

function step(acc: Acc, e: TradeStreamEvent): Acc {
  switch (e.type) {
    case 'connected': return { ...acc, phase: 'catching_up', since: e.at };
    case 'resynced': return { phase: 'live', since: e.at, sells: openSells(e.openOrders) };
    case 'resync_failed': return { ...acc, phase: 'resync_failed', since: e.at };
    case 'disconnected': return acc.phase === 'disconnected' ? acc : { ...acc, phase: 'disconnected', since: e.at };
    case 'fatal': return { ...acc, phase: 'fatal', since: e.at };
    case 'trade_update': {
      const order = e.update.order;
      if (order.side !== 'sell') return acc;
      const open = !isTerminalStatus(order.status);
      if (open === acc.sells.has(order.id)) return acc;
      const sells = new Map(acc.sells);
      if (open) sells.set(order.id, order.symbol);
      else sells.delete(order.id);
      return { ...acc, sells };
    }
    case 'refresh_order': return acc;
  }
}

function openSells(orders: readonly Order[]): Map<string, string> {
  return new Map(orders.filter((o) => o.side === 'sell' && !isTerminalStatus(o.status)).map((o) => [o.id, o.symbol]));
}

function toGate(acc: Acc): StreamGate {
  return { live: acc.phase === 'live', phase: acc.phase, since: acc.since, openSellSymbols: new Set(acc.sells.values()) };
}
