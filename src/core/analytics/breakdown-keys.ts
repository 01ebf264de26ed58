/** The key a closed trade has in each breakdown (entry hour and weekday are New York's, at entry). */
import { etParts } from '../../domain/market-time.js';
import type { BreakdownDimension, BreakdownKey, ClosedTrade } from './analytics.types.js';

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

export function breakdownKey(trade: ClosedTrade, dimension: BreakdownDimension): BreakdownKey {
  switch (dimension) {
    case 'strategy': return trade.strategy;
    case 'catalystType': return trade.catalystType;
    case 'catalystTier': return trade.catalystTier;
    case 'stars': return trade.stars;
    case 'exitReason': return trade.exitReason;
    case 'symbol': return trade.symbol;
    case 'entryHourEt': return trade.entryAt === null ? null : etParts(trade.entryAt).hour;
    case 'weekday': return trade.entryAt === null ? null : WEEKDAYS[etParts(trade.entryAt).weekday]!;
  }
}
