/**
 * The trader may restrict entries to some strategies (enabledStrategies; empty = every strategy).
 * Once the list is non-empty, a signal without a strategy is not in it and is denied: a restriction
 * the trader set is never bypassed by leaving the field out. Names compare exactly.
 */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const strategyEnabledCheck: EntryCheck = {
  name: 'strategy-enabled',
  check: ({ signal, settings }) => {
    const enabled = settings.enabledStrategies;
    if (enabled.length === 0) return null;
    if (signal.strategy !== null && enabled.includes(signal.strategy)) return null;
    const which = signal.strategy === null ? 'signal has no strategy' : `strategy "${signal.strategy}" is disabled`;
    return deny('STRATEGY_DISABLED', `${which} (enabled: ${enabled.join(', ')})`, {
      strategy: signal.strategy,
      enabled: [...enabled],
    });
  },
};
