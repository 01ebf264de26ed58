/**
 * The circuit breaker of today's session: 'pause' and 'halt' stop new entries; 'warn' only warns
 * (the trader is told, trading goes on) and 'none' is the normal state. The breaker level is
 * computed elsewhere from today's drawdown; this check only reads it.
 */
import type { EntryCheck } from '../check.types.js';
import { deny } from '../deny.js';

export const circuitBreakerCheck: EntryCheck = {
  name: 'circuit-breaker',
  check: ({ safety }) => {
    const level = safety.today.breakerLevel;
    if (level === 'none' || level === 'warn') return null;
    return deny('CIRCUIT_BREAKER', `circuit breaker at ${level} for ${safety.today.date}: no new entries today`, {
      level,
      date: safety.today.date,
    });
  },
};
