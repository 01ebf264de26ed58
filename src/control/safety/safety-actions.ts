/**
 * CONTRACT: what the breaker monitor and the daily reset may do to the bot, and nothing more.
 * Implemented over the bot control facade (the one place schedulers go through).
 * Invariants for implementations:
 *  - every call is persisted (state + reason in bot_config, a journal entry) before it resolves;
 *  - the reason is stored WITH the state, so after a restart current() still tells a breaker's
 *    pause (auto-resumable next session) from the trader's (never auto-resumed);
 *  - a refused transition rejects (the callers decide from current() first, so a refusal means
 *    the state moved under them; they retry on their next run).
 */
import type { BotState, StateReason } from '../../domain/bot-config.js';

export interface SafetyActions {
  current(): Promise<{ state: BotState; reason: StateReason | null }>;
  /** running → paused (exits continue) */
  pause(reason: StateReason, detail: string): Promise<void>;
  /** running | paused | stopped → halted (no entries; exits continue; leaving needs acknowledge + start) */
  halt(reason: StateReason, detail: string): Promise<void>;
  /** paused → running */
  resume(cause: string): Promise<void>;
}
