/** Hand-written builders for the analytics inputs: closed trades and equity points at ET wall times. */
import type { ClosedTrade, EquityPoint } from '../../src/core/analytics/analytics.types.js';
import { etWallToEpoch } from '../../src/domain/market-time.js';
import { Decimal } from '../../src/domain/money.js';

/** epoch ms of an ET wall-clock time on an ET date */
export const et = (date: string, hour: number, minute = 0, second = 0): number => etWallToEpoch(date, hour, minute, second);

let seq = 0;

/** a paper trade entered 10:00 ET and closed 10:01:30 ET on 2026-11-23 (a Monday) with pnl 1 */
export function aClosedTrade(over: Partial<Omit<ClosedTrade, 'pnl'>> & { pnl?: Decimal.Value } = {}): ClosedTrade {
  seq++;
  const { pnl, ...rest } = over;
  return {
    id: `t${String(seq).padStart(4, '0')}`,
    symbol: 'ABCD',
    mode: 'paper',
    pnl: new Decimal(pnl ?? 1),
    entryAt: et('2026-11-23', 10),
    exitAt: et('2026-11-23', 10, 1, 30),
    strategy: null,
    catalystType: null,
    catalystTier: null,
    stars: null,
    exitReason: 'profit_target',
    ...rest,
  };
}

export function aPoint(date: string, hour: number, minute: number, equity: Decimal.Value, over: Partial<Omit<EquityPoint, 'equity'>> = {}): EquityPoint {
  return {
    mode: 'paper', t: et(date, hour, minute), kind: 'minute', sessionDate: date,
    equity: new Decimal(equity), realizedPnl: new Decimal(0), ...over,
  };
}
