/**
 * The 5-minute health job, the pure half: Keel's live trades vs the broker's
 * positions vs the live position actors → typed mismatches. Reconciliation decides the fixes;
 * this only says something disagrees.
 * Invariants:
 *  - a broker position whose symbol has NO live trade (pending_entry, open or exiting) is a
 *    mismatch; a pending entry explains a position (its order may have filled a moment ago);
 *  - an OPEN trade whose symbol is flat at the broker is a mismatch; an exiting one is not (its
 *    sell filling is exactly how it gets flat) and a pending one holds nothing yet;
 *  - quantities compare only when every live trade of the symbol is open (a working entry or exit
 *    moves the broker's quantity legitimately), by magnitude (Keel trades one direction per
 *    symbol, as reconcile.ts); a trade with unknown shares counts 0;
 *  - actors compare only when the supervisor runs (tracked !== null): every open or exiting trade
 *    has one, and every actor belongs to a live trade;
 *  - one snapshot is not read atomically (broker, database and actors at slightly different
 *    moments), so a caller confirms with a second snapshot: confirmMismatches keeps what both saw;
 *  - deterministic: mismatches sorted by key.
 */
import { ZERO, type Decimal } from '../../domain/money.js';
import type { TradeStatus } from '../../domain/trade.js';

export interface HealthTrade {
  id: string;
  symbol: string;
  status: TradeStatus;
  shares: Decimal | null;
}

export interface HealthPosition {
  symbol: string;
  qty: Decimal;
}

export interface HealthSnapshot {
  /** the live trades (pending_entry, open, exiting) */
  trades: readonly HealthTrade[];
  positions: readonly HealthPosition[];
  /** trade ids with a position actor; null when the supervisor is stopped */
  tracked: ReadonlySet<string> | null;
}

export type HealthMismatch =
  | { kind: 'position_without_trade'; key: string; symbol: string; brokerQty: Decimal }
  | { kind: 'trade_without_position'; key: string; symbol: string; tradeIds: string[]; journalShares: Decimal }
  | { kind: 'quantity_mismatch'; key: string; symbol: string; tradeIds: string[]; journalShares: Decimal; brokerQty: Decimal }
  | { kind: 'actor_missing'; key: string; symbol: string; tradeId: string }
  | { kind: 'actor_without_trade'; key: string; tradeId: string };

export type HealthMismatchKind = HealthMismatch['kind'];

const LIVE: readonly TradeStatus[] = ['pending_entry', 'open', 'exiting'];

const sharesOf = (trades: readonly HealthTrade[]): Decimal => trades.reduce((sum, t) => sum.plus(t.shares ?? ZERO), ZERO);

export function compareHealth(snapshot: HealthSnapshot): HealthMismatch[] {
  const live = snapshot.trades.filter((t) => LIVE.includes(t.status));
  const bySymbol = new Map<string, HealthTrade[]>();
  for (const t of live) bySymbol.set(t.symbol, [...(bySymbol.get(t.symbol) ?? []), t]);
  const held = new Map<string, Decimal>();
  for (const p of snapshot.positions) if (!p.qty.isZero()) held.set(p.symbol, (held.get(p.symbol) ?? ZERO).plus(p.qty.abs()));

  const out: HealthMismatch[] = [];
  for (const [symbol, brokerQty] of held) {
    if (!bySymbol.has(symbol)) out.push({ kind: 'position_without_trade', key: `position_without_trade:${symbol}`, symbol, brokerQty });
  }
  for (const [symbol, trades] of bySymbol) {
    const open = trades.filter((t) => t.status === 'open');
    const ids = open.map((t) => t.id).sort();
    const brokerQty = held.get(symbol);
    if (brokerQty === undefined) {
      if (open.length > 0) out.push({ kind: 'trade_without_position', key: `trade_without_position:${symbol}`, symbol, tradeIds: ids, journalShares: sharesOf(open) });
    } else if (open.length === trades.length && !sharesOf(open).eq(brokerQty)) {
      out.push({ kind: 'quantity_mismatch', key: `quantity_mismatch:${symbol}`, symbol, tradeIds: ids, journalShares: sharesOf(open), brokerQty });
    }
  }
  const tracked = snapshot.tracked;
  if (tracked) {
    for (const t of live) {
      if (t.status !== 'pending_entry' && !tracked.has(t.id)) out.push({ kind: 'actor_missing', key: `actor_missing:${t.id}`, symbol: t.symbol, tradeId: t.id });
    }
    const liveIds = new Set(live.map((t) => t.id));
    for (const id of tracked) if (!liveIds.has(id)) out.push({ kind: 'actor_without_trade', key: `actor_without_trade:${id}`, tradeId: id });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** the mismatches both snapshots saw (by key), as the later one describes them */
export function confirmMismatches(first: readonly HealthMismatch[], second: readonly HealthMismatch[]): HealthMismatch[] {
  const seen = new Set(first.map((m) => m.key));
  return second.filter((m) => seen.has(m.key));
}

/** one line for the journal and the notification */
export function describeMismatch(m: HealthMismatch): string {
  switch (m.kind) {
    case 'position_without_trade': return `${m.symbol}: the broker holds ${m.brokerQty.toFixed()} share(s) and Keel has no live trade`;
    case 'trade_without_position': return `${m.symbol}: open trade(s) ${m.tradeIds.join(', ')} (${m.journalShares.toFixed()} share(s)) but the broker holds none`;
    case 'quantity_mismatch': return `${m.symbol}: Keel's open trades hold ${m.journalShares.toFixed()} share(s), the broker ${m.brokerQty.toFixed()}`;
    case 'actor_missing': return `${m.symbol}: trade ${m.tradeId} has no position actor (its exits are not watched)`;
    case 'actor_without_trade': return `a position actor runs for trade ${m.tradeId}, which is not live in the journal`;
  }
}
