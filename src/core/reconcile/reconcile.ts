/**
 * Startup reconciliation, the pure half: Keel's live trades against a broker snapshot → typed
 * findings (src/domain/reconciliation.ts). The control layer gathers the snapshot and applies them.
 * Invariants (docs/design.md, "Unknown is never flat"):
 *  - the UNION of journal and broker symbols is compared, so a position that vanished at the
 *    broker is noticed as surely as one Keel never knew;
 *  - no fill is invented: trades close only on a broker-reported fill (exit-match.ts), entries open
 *    only on a broker-reported fill (pending-entry.ts);
 *  - the broker's quantity wins; a shortfall is taken from the newest trades first; what a trade's
 *    own exit order still working has already sold is not a shortfall (the exit is under way: its
 *    fills, not a correction, account for it);
 *  - deterministic: same inputs, same findings in the same order; applying them and reconciling
 *    again yields no corrections (idempotent);
 *  - open broker orders no trade accounts for are reported, never touched.
 * Limitation: quantities are compared by magnitude (Keel trades one direction per symbol).
 */
import { Decimal, ZERO } from '../../domain/money.js';
import type { Position } from '../../domain/account.js';
import { isTerminalStatus, type Order } from '../../domain/order.js';
import type { ReconcileFinding } from '../../domain/reconciliation.js';
import type { Trade } from '../../domain/trade.js';
import { exitStemOf } from '../exits/exit-order-id.js';
import { isOwnStop, matchExits } from './exit-match.js';
import { pendingEntryFinding } from './pending-entry.js';

export interface BrokerSnapshot {
  positions: readonly Position[];
  openOrders: readonly Order[];
  /** pending entry trade id → its broker order (by client order id); null = the broker does not know it */
  entryOrders: ReadonlyMap<string, Order | null>;
  /** per flat symbol: the broker's closed orders since the earliest entry (see exitHistoryNeeded) */
  closedOrders: ReadonlyMap<string, readonly Order[]>;
}

interface SymbolBook {
  held: Trade[];
  /** filled quantity of entries still working (their trades stay pending) */
  working: Decimal;
}

const entryTime = (t: Trade): number => t.entryAt ?? t.createdAt;

/** pending entries resolved, and the trades Keel holds afterwards (filled entries included) */
function resolveEntries(trades: readonly Trade[], snap: Pick<BrokerSnapshot, 'entryOrders'>) {
  const findings: ReconcileFinding[] = [];
  const books = new Map<string, SymbolBook>();
  const book = (symbol: string): SymbolBook => books.get(symbol) ?? books.set(symbol, { held: [], working: ZERO }).get(symbol)!;
  for (const trade of trades) {
    if (trade.status !== 'pending_entry') {
      if (trade.status === 'open' || trade.status === 'exiting') book(trade.symbol).held.push(trade);
      continue;
    }
    const order = snap.entryOrders.get(trade.id) ?? null;
    const finding = pendingEntryFinding(trade, order);
    if (finding) findings.push(finding);
    if (finding?.kind === 'pending_entry_filled') {
      book(trade.symbol).held.push({ ...trade, status: 'open', shares: finding.shares, entryPrice: finding.entryPrice, entryAt: finding.entryAt, entryOrderId: finding.orderId });
    } else if (order && !isTerminalStatus(order.status) && order.filledQty.gt(0)) {
      const b = book(trade.symbol);
      b.working = b.working.plus(order.filledQty);
    }
  }
  return { findings, books };
}

/** symbols whose held trades the broker is flat in, with the earliest entry time (to query fills after) */
export function exitHistoryNeeded(trades: readonly Trade[], snap: Pick<BrokerSnapshot, 'entryOrders' | 'positions'>): Map<string, number> {
  const { books } = resolveEntries(trades, snap);
  const flat = new Map<string, number>();
  for (const [symbol, b] of books) {
    const position = snap.positions.find((p) => p.symbol === symbol);
    if (b.held.length === 0 || (position && !position.qty.isZero())) continue;
    flat.set(symbol, Math.min(...b.held.map(entryTime)));
  }
  return flat;
}

function quantityFindings(held: Trade[], target: Decimal): ReconcileFinding[] {
  const newestFirst = [...held].sort((a, b) => entryTime(b) - entryTime(a) || b.id.localeCompare(a.id));
  const total = held.reduce((sum, t) => sum.plus(t.shares ?? ZERO), ZERO);
  if (total.eq(target)) return [];
  const newest = newestFirst[0]!;
  if (target.gt(total)) {
    return [{ kind: 'quantity_mismatch', tradeId: newest.id, symbol: newest.symbol, journalShares: newest.shares, brokerShares: (newest.shares ?? ZERO).plus(target.minus(total)) }];
  }
  const findings: ReconcileFinding[] = [];
  let excess = total.minus(target);
  for (const t of newestFirst) {
    if (excess.lte(0)) break;
    const shares = t.shares ?? ZERO;
    if (shares.lte(excess)) {
      findings.push({ kind: 'missing_at_broker', tradeId: t.id, symbol: t.symbol, note: `broker holds ${target.toFixed()} ${t.symbol} shares, fewer than Keel's trades; this trade's shares are gone` });
    } else {
      findings.push({ kind: 'quantity_mismatch', tradeId: t.id, symbol: t.symbol, journalShares: t.shares, brokerShares: shares.minus(excess) });
    }
    excess = excess.minus(shares);
  }
  return findings;
}

export function reconcile(trades: readonly Trade[], snap: BrokerSnapshot): ReconcileFinding[] {
  const { findings, books } = resolveEntries(trades, snap);
  const positions = new Map(snap.positions.map((p) => [p.symbol, p]));
  const symbols = [...new Set([...books.keys(), ...positions.keys()])].sort();
  for (const symbol of symbols) {
    const b = books.get(symbol) ?? { held: [], working: ZERO };
    const position = positions.get(symbol);
    const brokerQty = position ? position.qty.abs() : ZERO;
    if (b.held.length === 0) {
      // a working entry's partial fill explains the position; its trade opens when the fill arrives
      if (position && !brokerQty.isZero() && b.working.isZero()) {
        findings.push({ kind: 'imported_broker_position', symbol, shares: position.qty, avgEntryPrice: position.avgEntryPrice });
      }
    } else if (brokerQty.isZero()) {
      findings.push(...matchExits(b.held, snap.closedOrders.get(symbol) ?? []));
    } else {
      const target = brokerQty.minus(b.working).plus(workingExitFills(b.held, snap.openOrders));
      findings.push(...quantityFindings(b.held, Decimal.max(ZERO, target)));
    }
  }
  findings.push(...unownedOrders(trades, snap));
  return findings;
}

/** what the held trades' own exit orders still working at the broker have filled so far */
function workingExitFills(held: readonly Trade[], openOrders: readonly Order[]): Decimal {
  let sold = ZERO;
  for (const o of openOrders) {
    const own = held.some((t) => o.side !== t.side && (o.id === t.exitOrderId || (t.exitClientOrderId !== null && o.clientOrderId === t.exitClientOrderId) || isOwnStop(t, o)));
    if (own) sold = sold.plus(o.filledQty);
  }
  return sold;
}

function unownedOrders(trades: readonly Trade[], snap: BrokerSnapshot): ReconcileFinding[] {
  const owned = new Set<string>();
  // a trade's CURRENT protective stop is owned; an older placement still working is reported (Keel
  // replaces a stop only after its cancel was acknowledged, so it is not Keel's doing to leave it)
  for (const t of trades) for (const id of [t.entryOrderId, t.exitOrderId, t.entryClientOrderId, t.exitClientOrderId && exitStemOf(t.exitClientOrderId), t.stopOrderId, t.stopClientOrderId, t.targetOrderId]) if (id) owned.add(id);
  for (const o of snap.entryOrders.values()) if (o) owned.add(o.id);
  // an exit sell is owned by its stem: the row may hold only the stem of a sell sent before a crash
  return snap.openOrders
    .filter((o) => !owned.has(o.id) && !owned.has(o.clientOrderId) && !owned.has(exitStemOf(o.clientOrderId)))
    .map((o) => ({ kind: 'unowned_open_order', orderId: o.id, clientOrderId: o.clientOrderId, symbol: o.symbol, side: o.side }) satisfies ReconcileFinding);
}
