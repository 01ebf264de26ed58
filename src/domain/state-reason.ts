/**
 * Why the bot is in its state, as GET /api/bot/status says it: a code from a closed list, the
 * detail in words and since when. The code is derived from the persisted bot_config.state_reason
 * (StateReason); the trader's own action keeps the lower-case `manual`, the safety layer's reasons
 * are upper-case codes like the denial codes.
 */
import type { StateReason } from './bot-config.js';
import type { EpochMs } from './time.js';

export const STATE_REASON_CODES = ['manual', 'STARTUP', 'CIRCUIT_BREAKER', 'DAILY_LOSS_LIMIT', 'WIN_RATE_BELOW_MIN', 'KILL_SWITCH', 'WATCHDOG'] as const;
export type StateReasonCode = (typeof STATE_REASON_CODES)[number];

export interface StateReasonView {
  code: StateReasonCode;
  /** the safety layer's own words (a drawdown, a win rate, who pressed the kill switch); null for the trader's action */
  detail: string | null;
  /** when the current state was entered (epoch ms); null = unknown (a state older than the record of it) */
  since: EpochMs | null;
}

const CODE_OF: Record<StateReason, StateReasonCode> = {
  manual: 'manual',
  startup: 'STARTUP',
  breaker_pause: 'CIRCUIT_BREAKER',
  breaker_halt: 'CIRCUIT_BREAKER',
  daily_loss: 'DAILY_LOSS_LIMIT',
  win_rate: 'WIN_RATE_BELOW_MIN',
  kill_switch: 'KILL_SWITCH',
  watchdog: 'WATCHDOG',
};

/** `reason` null: no transition was ever persisted, the bot is in the state its row was created with */
export function stateReasonView(reason: StateReason | null, detail: string | null, since: EpochMs | null): StateReasonView {
  return { code: reason === null ? 'STARTUP' : CODE_OF[reason], detail, since };
}
