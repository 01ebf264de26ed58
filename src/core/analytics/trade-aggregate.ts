/**
 * The trade aggregate monoid: a win is pnl > 0, a loss pnl < 0, a zero P&L is breakeven and
 * counted apart (it is neither, and it lowers the win rate). Best and worst keep the first of
 * equal P&Ls (earlier exit, then smaller id), so the result does not depend on fold order.
 */
import { ZERO } from '../../domain/money.js';
import type { ClosedTrade, TradeAggregate, TradeRef } from './analytics.types.js';

export const emptyAggregate: TradeAggregate = {
  trades: 0, wins: 0, losses: 0, breakeven: 0, totalPnl: ZERO, grossProfit: ZERO, grossLoss: ZERO,
  holdMs: 0, holdCount: 0, winHoldMs: 0, winHoldCount: 0, lossHoldMs: 0, lossHoldCount: 0, best: null, worst: null,
};

/** a before b among equal P&Ls */
function earlier(a: TradeRef, b: TradeRef): boolean {
  return a.exitAt !== b.exitAt ? a.exitAt < b.exitAt : a.id < b.id;
}

function better(a: TradeRef | null, b: TradeRef | null): TradeRef | null {
  if (!a || !b) return a ?? b;
  const c = a.pnl.cmp(b.pnl);
  return c > 0 || (c === 0 && earlier(a, b)) ? a : b;
}

function worse(a: TradeRef | null, b: TradeRef | null): TradeRef | null {
  if (!a || !b) return a ?? b;
  const c = a.pnl.cmp(b.pnl);
  return c < 0 || (c === 0 && earlier(a, b)) ? a : b;
}

export function combineAggregates(a: TradeAggregate, b: TradeAggregate): TradeAggregate {
  return {
    trades: a.trades + b.trades,
    wins: a.wins + b.wins,
    losses: a.losses + b.losses,
    breakeven: a.breakeven + b.breakeven,
    totalPnl: a.totalPnl.plus(b.totalPnl),
    grossProfit: a.grossProfit.plus(b.grossProfit),
    grossLoss: a.grossLoss.plus(b.grossLoss),
    holdMs: a.holdMs + b.holdMs,
    holdCount: a.holdCount + b.holdCount,
    winHoldMs: a.winHoldMs + b.winHoldMs,
    winHoldCount: a.winHoldCount + b.winHoldCount,
    lossHoldMs: a.lossHoldMs + b.lossHoldMs,
    lossHoldCount: a.lossHoldCount + b.lossHoldCount,
    best: better(a.best, b.best),
    worst: worse(a.worst, b.worst),
  };
}

export function aggregateOf(trade: ClosedTrade): TradeAggregate {
  const sign = trade.pnl.cmp(0);
  const hold = trade.entryAt === null ? null : trade.exitAt - trade.entryAt;
  const held = hold === null ? 0 : 1;
  const ref: TradeRef = { id: trade.id, symbol: trade.symbol, pnl: trade.pnl, exitAt: trade.exitAt };
  return {
    trades: 1,
    wins: sign > 0 ? 1 : 0,
    losses: sign < 0 ? 1 : 0,
    breakeven: sign === 0 ? 1 : 0,
    totalPnl: trade.pnl,
    grossProfit: sign > 0 ? trade.pnl : ZERO,
    grossLoss: sign < 0 ? trade.pnl.neg() : ZERO,
    holdMs: hold ?? 0,
    holdCount: held,
    winHoldMs: sign > 0 ? hold ?? 0 : 0,
    winHoldCount: sign > 0 ? held : 0,
    lossHoldMs: sign < 0 ? hold ?? 0 : 0,
    lossHoldCount: sign < 0 ? held : 0,
    best: ref,
    worst: ref,
  };
}

export function aggregate(trades: Iterable<ClosedTrade>): TradeAggregate {
  let acc = emptyAggregate;
  for (const t of trades) acc = combineAggregates(acc, aggregateOf(t));
  return acc;
}
