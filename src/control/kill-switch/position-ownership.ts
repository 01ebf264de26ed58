/**
 * Whose shares is a broker position? Pure: broker positions + Keel's live trades → what is Keel's.
 * Invariants:
 *  - a symbol with no live Keel trade is entirely 'external': the kill switch reports it and never
 *    closes it (it was bought outside Keel, or Keel's journal has already let go of it);
 *  - on a symbol Keel trades, Keel owns its trades' shares and the rest is external — but only
 *    when every trade's size is known; a pending entry (its fills still arriving) makes the
 *    whole position Keel's. When unsure we say "Keel's, not flat", never "flat".
 *  - Keel only buys: a short on a Keel symbol disagrees with the journal and is reported as Keel's.
 * The external part is measured BEFORE the flatten (claimsOf) and held fixed, so "flat" afterwards
 * means "back down to what was not Keel's".
 */
import { Decimal, ZERO } from '../../domain/money.js';
import type { Trade } from '../../domain/trade.js';
import type { PositionLeft } from '../pipeline/pipeline.types.js';

export interface Holding {
  symbol: string;
  qty: Decimal;
}

export interface KeelClaim {
  /** shares of this symbol that are not Keel's */
  external: Decimal;
  /** the (first) live Keel trade on the symbol */
  tradeId: string;
}

/** Keel's claim on each symbol it has a live trade on */
export function claimsOf(positions: readonly Holding[], liveTrades: readonly Trade[]): Map<string, KeelClaim> {
  const bySymbol = new Map<string, Trade[]>();
  for (const t of liveTrades) bySymbol.set(t.symbol, [...(bySymbol.get(t.symbol) ?? []), t]);
  const claims = new Map<string, KeelClaim>();
  for (const [symbol, trades] of bySymbol) {
    const qty = positions.find((p) => p.symbol === symbol)?.qty ?? ZERO;
    const sized = trades.every((t) => t.status !== 'pending_entry' && t.shares !== null);
    const keelShares = trades.reduce((sum, t) => sum.plus(t.shares ?? ZERO), ZERO);
    const external = sized && qty.gt(keelShares) ? qty.minus(keelShares) : ZERO;
    claims.set(symbol, { external, tradeId: trades[0]!.id });
  }
  return claims;
}

/** the broker's positions split by owner; a symbol held by both appears twice */
export function positionsLeft(positions: readonly Holding[], claims: ReadonlyMap<string, KeelClaim>): PositionLeft[] {
  const left: PositionLeft[] = [];
  for (const { symbol, qty } of positions) {
    if (qty.isZero()) continue;
    const claim = claims.get(symbol);
    if (!claim) {
      left.push({ symbol, qty, owner: 'external' });
      continue;
    }
    const external = qty.lte(0) ? ZERO : Decimal.min(qty, claim.external);
    const keel = qty.minus(external);
    if (!keel.isZero()) left.push({ symbol, qty: keel, owner: 'keel', tradeId: claim.tradeId });
    if (external.gt(0)) left.push({ symbol, qty: external, owner: 'external' });
  }
  return left;
}

export const keelFlat = (left: readonly PositionLeft[]): boolean => !left.some((p) => p.owner === 'keel');
