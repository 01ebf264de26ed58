/**
 * A signal's own levels make sense: its stopLossPrice below its takeProfitPrice, and both on the
 * right side of the price (stop < price < target), the price being the freshest Keel knows (the
 * last tick, else the signal's priceAtSignal). Judged only for the levels the signal carries; with
 * no price known, only stop < target. A signal that fails is skipped with every problem named: its
 * levels would be frozen on the trade (core/exits/exit-plan.ts), and a stop above the price sells at
 * once.
 */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const signalLevelsCheck: EntryCheck = {
  name: 'signal-levels',
  check: ({ signal, price }) => {
    const stop = signal.stopLossPrice;
    const target = signal.takeProfitPrice;
    if (stop === null && target === null) return null;
    const problems: string[] = [];
    if (stop !== null && target !== null && !stop.lt(target)) problems.push(`stop ${stop.toFixed()} is not below target ${target.toFixed()}`);
    if (price !== null) {
      if (stop !== null && !stop.lt(price)) problems.push(`stop ${stop.toFixed()} is not below the price ${price}`);
      if (target !== null && !target.gt(price)) problems.push(`target ${target.toFixed()} is not above the price ${price}`);
    }
    if (problems.length === 0) return null;
    return deny('INVALID_SIGNAL_LEVELS', `the signal's levels do not hold stop < price < target: ${problems.join('; ')}`, {
      stopLossPrice: stop?.toFixed() ?? null, takeProfitPrice: target?.toFixed() ?? null, price, problems,
    });
  },
};
