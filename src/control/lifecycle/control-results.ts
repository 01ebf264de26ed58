/** Answers of the control facade: refusals are values naming the state and what is allowed. */
import type { BotState } from '../../domain/bot-config.js';
import type { BotEvent } from '../../machines/bot.machine.js';
import type { BotAction, ControlError, ControlErrorCode, ControlResult } from './bot-control.types.js';

export const ok = <T>(value: T): ControlResult<T> => ({ ok: true, value });

export function refuse<T>(code: ControlErrorCode, message: string, details?: Record<string, unknown>): ControlResult<T> {
  const error: ControlError = { code, message, httpStatus: 409, ...(details ? { details } : {}) };
  return { ok: false, error };
}

/** `detail` is carried by a pause only (the safety layer's why: bot_config.state_reason_detail) */
export function actionEvent(action: BotAction, cause: string, detail?: string): BotEvent {
  switch (action) {
    case 'start': return { type: 'START', cause };
    case 'pause': return detail === undefined ? { type: 'PAUSE', cause } : { type: 'PAUSE', cause, reason: detail };
    case 'resume': return { type: 'RESUME', cause };
    case 'stop': return { type: 'STOP', cause };
    case 'acknowledge-halt': return { type: 'ACKNOWLEDGE_HALT', cause };
  }
}

/** where a successful action lands */
export const ACTION_TARGET: Record<BotAction, BotState> = {
  start: 'running', pause: 'paused', resume: 'running', stop: 'stopped', 'acknowledge-halt': 'stopped',
};
