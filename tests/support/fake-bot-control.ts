/**
 * A hand-written BotControl for HTTP tests: a tiny in-memory lifecycle with the contract's
 * transition table, a config object patches apply to, and a log of every call so tests can
 * assert what the HTTP layer asked for (and that a rejected request asked for nothing).
 */
import type { StateReasonView } from '../../src/domain/state-reason.js';
import type { BotAction, BotControl, BotStatus, CancelledFlatten, ControlError, ControlResult, HealthReport } from '../../src/control/lifecycle/bot-control.types.js';
import { DEFAULT_BOT_SETTINGS, type BotConfig, type BotSettings, type BotState, type TradingModeName } from '../../src/domain/bot-config.js';
import { dec } from '../../src/domain/money.js';
import type { ReconciliationReport } from '../../src/domain/reconciliation.js';

export interface RecordedCall {
  method: keyof BotControl;
  args: unknown[];
}

const TRANSITIONS: Record<BotState, Partial<Record<BotAction, BotState>>> = {
  stopped: { start: 'running' },
  running: { pause: 'paused', stop: 'stopped' },
  paused: { resume: 'running', stop: 'stopped' },
  halted: { 'acknowledge-halt': 'stopped' },
};

export class FakeBotControl implements BotControl {
  readonly calls: RecordedCall[] = [];
  state: BotState = 'stopped';
  mode: TradingModeName = 'paper';
  openPositionCount = 0;
  hasLiveCredentials = true;
  config: BotConfig = { ...DEFAULT_BOT_SETTINGS, state: 'stopped', mode: 'paper', updatedAt: 0 };
  reconciliation: ReconciliationReport | null = null;
  healthReport: HealthReport = { ok: true, database: { ok: true, error: null }, broker: { ok: true, error: null } };
  /** a kill switch's queued flatten: start and resume are refused while it is set */
  flattenQueuedAt: number | null = null;
  /** why the fake is in its state, as the status reports it */
  stateReason: StateReasonView = { code: 'STARTUP', detail: null, since: Date.UTC(2026, 10, 23, 14, 30) };
  /** when set, every facade method rejects with it (to exercise the 500 path) */
  failWith: Error | null = null;

  async boot(): Promise<void> {
    this.record('boot', []);
  }

  async shutdown(): Promise<void> {
    this.record('shutdown', []);
  }

  async status(): Promise<BotStatus> {
    this.record('status', []);
    return this.snapshot();
  }

  async act(action: BotAction, cause: string, detail?: string): Promise<ControlResult<BotStatus>> {
    this.record('act', detail === undefined ? [action, cause] : [action, cause, detail]);
    const next = TRANSITIONS[this.state][action];
    if (!next) {
      return this.refuse('INVALID_TRANSITION', `cannot ${action} while ${this.state}`, { state: this.state, allowedActions: this.allowedActions() });
    }
    if (this.flattenQueuedAt !== null && (action === 'start' || action === 'resume')) {
      return this.refuse('FLATTEN_QUEUED', `cannot ${action}: a flatten is queued`, { state: this.state, flattenQueuedAt: this.flattenQueuedAt });
    }
    this.state = next;
    return { ok: true, value: this.snapshot() };
  }

  async cancelQueuedFlatten(cause: string, reason: string | null): Promise<ControlResult<CancelledFlatten>> {
    this.record('cancelQueuedFlatten', [cause, reason]);
    const queuedAt = this.flattenQueuedAt;
    if (queuedAt === null) return { ok: false, error: { code: 'NOT_FOUND', message: 'no flatten is queued', httpStatus: 404, details: { flattenQueuedAt: null } } };
    this.flattenQueuedAt = null;
    return { ok: true, value: { queuedAt, cancelledAt: queuedAt + 1, reason, status: this.snapshot() } };
  }

  async getConfig(): Promise<BotConfig> {
    this.record('getConfig', []);
    return { ...this.config, state: this.state, mode: this.mode };
  }

  async patchConfig(patch: Partial<BotSettings>, cause: string): Promise<ControlResult<BotConfig>> {
    this.record('patchConfig', [patch, cause]);
    this.config = { ...this.config, ...patch };
    return { ok: true, value: await this.getConfigQuietly() };
  }

  async setMode(mode: TradingModeName, confirm: string | undefined, cause: string): Promise<ControlResult<BotStatus>> {
    this.record('setMode', [mode, confirm, cause]);
    if (this.openPositionCount > 0) return this.refuse('OPEN_POSITIONS', 'close open positions first', { openPositionCount: this.openPositionCount });
    if (mode === 'live' && !this.hasLiveCredentials) return this.refuse('LIVE_CREDENTIALS_MISSING', 'no live keys configured');
    if (mode === 'live' && confirm !== 'live') return this.refuse('CONFIRMATION_REQUIRED', 'send confirm: "live"');
    this.mode = mode;
    return { ok: true, value: this.snapshot() };
  }

  async lastReconciliation(): Promise<ReconciliationReport | null> {
    this.record('lastReconciliation', []);
    return this.reconciliation;
  }

  async health(): Promise<HealthReport> {
    this.record('health', []);
    return this.healthReport;
  }

  callsOf(method: keyof BotControl): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  private record(method: keyof BotControl, args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.failWith) throw this.failWith;
  }

  private async getConfigQuietly(): Promise<BotConfig> {
    return { ...this.config, state: this.state, mode: this.mode };
  }

  private refuse<T>(code: ControlError['code'], message: string, details?: Record<string, unknown>): ControlResult<T> {
    return { ok: false, error: { code, message, httpStatus: 409, details } };
  }

  private allowedActions(): BotAction[] {
    return Object.keys(TRANSITIONS[this.state]) as BotAction[];
  }

  private snapshot(): BotStatus {
    return {
      state: this.state,
      stateReason: this.stateReason,
      starting: false,
      mode: this.mode,
      executionMode: this.config.executionMode,
      reconciled: true,
      openPositionCount: this.openPositionCount,
      todayRealizedPnl: dec('-12.50'),
      todayTradeCount: 2,
      marketOpen: true,
      // Friday 2026-01-02: the session closes at 16:00 New York time, the force close is 15:45, the next open is Monday
      market: { open: true, nextOpen: 1_767_623_400_000, nextClose: 1_767_387_600_000 },
      forceCloseAt: 1_767_386_700_000,
      breaker: 'none',
      allowedActions: this.allowedActions(),
      flattenQueuedAt: this.flattenQueuedAt,
    };
  }
}
