/**
 * CONTRACT: the control facade — the ONE place the HTTP layer, the CLI and schedulers go through
 * (docs/design.md). Answers are values, not exceptions: a refused action says why, names the current
 * state and what is allowed, and changes nothing.
 */
import type { BotConfig, BotSettings, BotState, BreakerLevel, TradingModeName, ExecutionMode } from '../../domain/bot-config.js';
import type { Decimal } from '../../domain/money.js';
import type { ReconciliationReport } from '../../domain/reconciliation.js';
import type { StateReasonView } from '../../domain/state-reason.js';
import type { EpochMs } from '../../domain/time.js';

export const BOT_ACTIONS = ['start', 'pause', 'resume', 'stop', 'acknowledge-halt'] as const;
export type BotAction = (typeof BOT_ACTIONS)[number];

export interface BotStatus {
  state: BotState;
  /** why it is in that state (the persisted reason) and since when */
  stateReason: StateReasonView;
  /** true while a start (or a restart restoring 'running') waits for reconciliation */
  starting: boolean;
  mode: TradingModeName;
  executionMode: ExecutionMode;
  reconciled: boolean;
  openPositionCount: number;
  todayRealizedPnl: Decimal;
  todayTradeCount: number;
  /** from the broker clock (cached briefly); null when the broker cannot be reached */
  marketOpen: boolean | null;
  /** the broker clock as cached (never a broker call per request); all null when it cannot be reached */
  market: MarketView;
  /**
   * today's forced close of every open position (eodForceCloseTime ET, at the latest 15 minutes
   * before an early close); null while the market is closed or its state is unknown
   */
  forceCloseAt: EpochMs | null;
  breaker: BreakerLevel;
  /** while a flatten is queued start and resume are refused (FLATTEN_QUEUED), so they are not listed */
  allowedActions: BotAction[];
  /** when a kill switch outside market hours queued its flatten for the session open; null = none queued */
  flattenQueuedAt: EpochMs | null;
}

export interface MarketView {
  open: boolean | null;
  /** the next session open and close as the broker's clock said (while open, nextClose is today's) */
  nextOpen: EpochMs | null;
  nextClose: EpochMs | null;
}

/** what an entry decision needs of the bot, from memory (KeelBotControl.entryGate) */
export interface EntryGate {
  state: BotState;
  reconciled: boolean;
  /** from the broker clock; null when it cannot be reached */
  marketOpen: boolean | null;
  /** the session's close while the market is open (the broker clock's next close); null otherwise */
  sessionClose: EpochMs | null;
}

/** DELETE /api/bot/flatten-queue: what was withdrawn */
export interface CancelledFlatten {
  /** when the kill switch queued it */
  queuedAt: EpochMs;
  cancelledAt: EpochMs;
  /** the caller's why (journaled with the cause, which says who) */
  reason: string | null;
  /** the bot after the cancel: start is allowed again if the state allows it */
  status: BotStatus;
}

export type ControlErrorCode =
  | 'INVALID_TRANSITION'
  | 'NOT_RECONCILED'
  | 'BROKER_UNREACHABLE'
  | 'OPEN_POSITIONS'
  | 'LIVE_CREDENTIALS_MISSING'
  | 'CONFIRMATION_REQUIRED'
  | 'READ_ONLY'
  /** another Keel instance holds the writer lease on this database: this one is read-only (409) */
  | 'ANOTHER_INSTANCE_ACTIVE'
  | 'NOT_FOUND'
  | 'SIGNAL_NOT_PENDING'
  /** an invalidated signal has nothing live to act on: its trade closed, cancelled, or exiting already (409) */
  | 'SIGNAL_NOT_LIVE'
  /** no position actor holds the trade (the bot is stopped): nothing can sell it now (409) */
  | 'POSITION_UNATTENDED'
  /** a kill switch's flatten is queued for the session open: start/resume would have it exit the new positions too (409) */
  | 'FLATTEN_QUEUED';

export interface ControlError {
  code: ControlErrorCode;
  message: string;
  /** HTTP mapping: 409 for refusals of state, 404 for an unknown subject, 503 for an unreachable dependency */
  httpStatus: 404 | 409 | 503;
  details?: Record<string, unknown>;
}

export type ControlResult<T> = { ok: true; value: T } | { ok: false; error: ControlError };

export interface HealthReport {
  ok: boolean;
  database: { ok: boolean; error: string | null };
  broker: { ok: boolean; error: string | null };
}

export interface BotControl {
  /** restores the persisted state at startup ('running' resumes only after reconciliation) */
  boot(): Promise<void>;
  /** stops timers and streams; persists nothing new beyond the journal's shutdown entry */
  shutdown(): Promise<void>;
  status(): Promise<BotStatus>;
  /**
   * persisted (bot_config + journal) BEFORE it resolves. start and resume are refused with
   * FLATTEN_QUEUED while a kill switch's flatten is queued. `detail`: a pause's why, persisted as
   * bot_config.state_reason_detail when the cause is a safety one (`safety:<reason>`).
   */
  act(action: BotAction, cause: string, detail?: string): Promise<ControlResult<BotStatus>>;
  /**
   * withdraws the flatten a kill switch queued for the session open, journaled (cause = who,
   * reason = why) in the same transaction; NOT_FOUND (404) when none is queued. Positions stay open.
   */
  cancelQueuedFlatten(cause: string, reason: string | null): Promise<ControlResult<CancelledFlatten>>;
  getConfig(): Promise<BotConfig>;
  /** patch already validated at the edge (zod); answers the whole config */
  patchConfig(patch: Partial<BotSettings>, cause: string): Promise<ControlResult<BotConfig>>;
  setMode(mode: TradingModeName, confirm: string | undefined, cause: string): Promise<ControlResult<BotStatus>>;
  lastReconciliation(): Promise<ReconciliationReport | null>;
  health(): Promise<HealthReport>;
}
