/**
 * The control facade as the service exposes it: status() also says how many live trades have no
 * position actor watching them (the bot is stopped, or the supervisor has not started yet), so a
 * trader sees that stop leaves positions at the broker unattended; and which exits cannot complete
 * (stuckExits: their actor gave up, or they have been exiting too long in the session); and until
 * when requests to Alpaca wait for its rate-limit window (brokerRateLimitedUntil), so a slow
 * reconciliation or order after rapid restarts has a visible reason; and the account as of the account
 * cache's last read (account-summary.ts: never a broker call per request; null until a read of the
 * current broker succeeded); and the broker streams' health (live, reconnecting, down, off).
 * Everything else is the wrapped facade, unchanged.
 */
import type { PositionSupervisor, SupervisorProtection } from '../actors/position-supervisor.types.js';
import type { StuckExit } from '../core/safety/stuck-exits.js';
import type { KeelBotControl } from '../control/lifecycle/bot-control.js';
import type { BotStatus } from '../control/lifecycle/bot-control.types.js';
import { accountSummary, type AccountSummary } from '../control/pipeline/account-summary.js';
import type { AccountReading } from '../control/pipeline/account-cache.js';
import { ZERO } from '../domain/money.js';
import { STREAMS_OFF, type StreamsHealth } from '../domain/stream-health.js';

export interface AttendedStatus extends BotStatus {
  /** live trades (pending_entry, open, exiting) no actor is watching: exits will not fire for them */
  unattendedPositions: number;
  /** exits that cannot complete; [] when none (or no supervisor runs) */
  stuckExits: StuckExit[];
  /** epoch ms until which Alpaca REST requests wait for the broker's rate-limit window; null when none waits */
  brokerRateLimitedUntil: number | null;
  /** equity, cash, buying power, long market value, unrealized P&L, exposure, asOf; null = nothing read yet */
  account: AccountSummary | null;
  /** the broker streams' health (stream-health.monitor.ts), from memory */
  streams: StreamsHealth;
}

export function withUnattendedCount(
  control: KeelBotControl,
  supervisor: Pick<PositionSupervisor, 'active' | 'trackedCount'> & Partial<Pick<SupervisorProtection, 'stuckExits'> & Pick<PositionSupervisor, 'unrealizedPnl'>>,
  brokerRateLimitedUntil: () => number | null = () => null,
  lastAccountRead: () => AccountReading | null = () => null,
  streams: () => StreamsHealth = () => STREAMS_OFF,
): KeelBotControl {
  const status = async (): Promise<AttendedStatus> => {
    const base = await control.status();
    const watched = supervisor.active ? supervisor.trackedCount() : 0;
    const stuckExits = supervisor.active ? supervisor.stuckExits?.() ?? [] : [];
    const reading = lastAccountRead();
    // nothing watches the positions while stopped: their unrealized P&L is unknown unless there are none
    const unrealized = supervisor.active ? supervisor.unrealizedPnl?.() ?? null : base.openPositionCount === 0 ? ZERO : null;
    return {
      ...base, unattendedPositions: Math.max(0, base.openPositionCount - watched), stuckExits, brokerRateLimitedUntil: brokerRateLimitedUntil(),
      account: reading ? accountSummary(reading, unrealized) : null, streams: streams(),
    };
  };
  return {
    get events$() { return control.events$; },
    boot: () => control.boot(),
    shutdown: () => control.shutdown(),
    status,
    act: (action, cause, detail) => control.act(action, cause, detail),
    cancelQueuedFlatten: async (cause, reason) => {
      const result = await control.cancelQueuedFlatten(cause, reason);
      return result.ok ? { ok: true, value: { ...result.value, status: await status() } } : result;
    },
    halt: (reason, cause) => control.halt(reason, cause),
    entryGate: () => control.entryGate(),
    entryGateNow: () => control.entryGateNow(),
    reconcileNow: (cause) => control.reconcileNow(cause),
    getConfig: () => control.getConfig(),
    patchConfig: (patch, cause) => control.patchConfig(patch, cause),
    setMode: (mode, confirm, cause) => control.setMode(mode, confirm, cause),
    lastReconciliation: () => control.lastReconciliation(),
    lastReconciledReport: () => control.lastReconciledReport(),
    health: () => control.health(),
  };
}
