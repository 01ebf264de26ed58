/**
 * SafetyActions in memory: the bot machine's transition table for pause / halt / resume, the
 * reason kept with the state (as bot_config does), and a log of every call. A refused
 * transition rejects, like the real facade. `failNext` makes the next action reject once.
 */
import type { BotState, StateReason } from '../../src/domain/bot-config.js';
import type { SafetyActions } from '../../src/control/safety/safety-actions.js';

export type SafetyCall =
  | { action: 'pause' | 'halt'; reason: StateReason; detail: string }
  | { action: 'resume'; cause: string };

export class FakeSafetyActions implements SafetyActions {
  readonly calls: SafetyCall[] = [];
  failNext: Error | null = null;

  constructor(public state: BotState = 'running', public reason: StateReason | null = null) {}

  async current(): Promise<{ state: BotState; reason: StateReason | null }> {
    return { state: this.state, reason: this.reason };
  }

  async pause(reason: StateReason, detail: string): Promise<void> {
    this.calls.push({ action: 'pause', reason, detail });
    this.transition(['running'], 'paused', reason);
  }

  async halt(reason: StateReason, detail: string): Promise<void> {
    this.calls.push({ action: 'halt', reason, detail });
    this.transition(['running', 'paused', 'stopped'], 'halted', reason);
  }

  async resume(cause: string): Promise<void> {
    this.calls.push({ action: 'resume', cause });
    this.transition(['paused'], 'running', null);
  }

  /** the trader's own moves (not recorded as calls) */
  set(state: BotState, reason: StateReason | null): void {
    this.state = state;
    this.reason = reason;
  }

  actions(): string[] {
    return this.calls.map((c) => (c.action === 'resume' ? 'resume' : `${c.action}:${c.reason}`));
  }

  private transition(from: BotState[], to: BotState, reason: StateReason | null): void {
    const failure = this.failNext;
    this.failNext = null;
    if (failure) throw failure;
    if (!from.includes(this.state)) throw new Error(`INVALID_TRANSITION: ${this.state} → ${to}`);
    this.state = to;
    this.reason = reason;
  }
}
