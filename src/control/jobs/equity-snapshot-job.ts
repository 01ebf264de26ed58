/**
 * The equity history: mark-to-market rows in equity_snapshot, per trading mode, on the injected
 * clock's minute boundaries (one timer, like the safety jobs; runs never overlap).
 * Each minute tick, by the NYSE calendar (holidays, 13:00 early closes):
 *  - regular session open and the bot running or paused → a 'minute' row (none while stopped or
 *    halted: nothing trades then, and a halted account is not the bot's performance);
 *  - from one minute after the bell until the end of that New York date → the day's 'close' row,
 *    whatever the bot's state (the equity curve needs every session's close). The minute's wait
 *    lets the closing prints reach the account. The closing row is written once per mode and date:
 *    the repository's insert never overwrites (ON CONFLICT DO NOTHING), so a restart or a second
 *    close keeps the first row, which was read nearest the bell. A restart after the close catches
 *    up at its first tick; after midnight New York the missed date is not made up;
 *  - otherwise nothing.
 * Invariants:
 *  - every row's account numbers come from an account read that STARTED within the tick (the
 *    pipeline's account cache, refreshed through the broker): a failed read writes no row and is
 *    warned (a closing row's failures once per date: it is tried again every minute until
 *    midnight New York); nothing here throws into the timer;
 *  - unrealized P&L is Keel's open positions at their last prices (the position supervisor); while
 *    nothing watches them (bot stopped) it is 0 with no position open, else unknown: no row, warned;
 *  - mode, open position count (open + exiting trades) and today's realized P&L come from the
 *    control's status, read in the same tick.
 */
import { insertEquitySnapshot, type Db } from '../../adapters/postgres/index.js';
import { sessionOn } from '../../core/calendar/nyse-calendar.js';
import type { EquitySnapshot, SnapshotKind } from '../../domain/equity-snapshot.js';
import { ZERO, type Decimal } from '../../domain/money.js';
import type { EpochMs } from '../../domain/time.js';
import type { Clock } from '../../ports/clock.port.js';
import type { BotStatus } from '../lifecycle/bot-control.types.js';
import type { AccountReading } from '../pipeline/account-cache.js';
import { errorText } from '../../lib/error-text.js';
import { SerialQueue } from '../../lib/serial-queue.js';

const MINUTE_MS = 60_000;
/** the closing row waits this long after the bell */
export const CLOSE_ROW_DELAY_MS = MINUTE_MS;

export type SnapshotOutcome =
  | { kind: SnapshotKind; sessionDate: string; at: EpochMs; written: boolean }
  | { kind: 'skipped'; why: 'no_session' | 'market_closed' | 'bot_not_trading' | 'close_done' }
  | { kind: 'failed'; row: SnapshotKind; reason: string };

export interface EquitySnapshotJobDeps {
  db: Db;
  clock: Clock;
  status: () => Promise<Pick<BotStatus, 'state' | 'mode' | 'openPositionCount' | 'todayRealizedPnl'>>;
  account: { readFresh(): Promise<AccountReading | null> };
  supervisor: { readonly active: boolean; unrealizedPnl(): Decimal | null };
  warn: (message: string, error?: unknown) => void;
  /** every tick's outcome (logging, tests) */
  onTick?: (outcome: SnapshotOutcome) => void;
}

export class EquitySnapshotJob {
  private abort: AbortController | null = null;
  private loop: Promise<void> = Promise.resolve();
  private readonly queue = new SerialQueue();
  /** the session date whose closing row is stored (written by this process or found there) */
  private closeDone: string | null = null;
  /** the session date whose failed closing row was already warned */
  private closeWarned: string | null = null;

  constructor(private readonly deps: EquitySnapshotJobDeps) {}

  start(): void {
    if (this.abort) return;
    this.abort = new AbortController();
    this.loop = this.timerLoop(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort?.abort(new Error('equity snapshots stopped'));
    this.abort = null;
    await this.loop;
    await this.queue.idle();
  }

  /** one tick now, after any in progress; never rejects */
  runOnce(): Promise<SnapshotOutcome> {
    return this.queue.run(() => this.tick());
  }

  private async tick(): Promise<SnapshotOutcome> {
    const now = this.deps.clock.now();
    const plan = snapshotPlan(now, this.closeDone);
    let outcome: SnapshotOutcome;
    if ('why' in plan) outcome = { kind: 'skipped', why: plan.why };
    else {
      try {
        const status = await this.deps.status();
        outcome = plan.row === 'minute' && status.state !== 'running' && status.state !== 'paused'
          ? { kind: 'skipped', why: 'bot_not_trading' }
          : await this.record(plan.row, plan.sessionDate, status);
      } catch (error) {
        outcome = { kind: 'failed', row: plan.row, reason: errorText(error) };
        this.warnFor(plan.row, plan.sessionDate, `equity snapshot (${plan.row}) failed`, error);
      }
      if (outcome.kind === 'close') this.closeDone = plan.sessionDate;
    }
    try {
      this.deps.onTick?.(outcome);
    } catch (error) {
      this.deps.warn('equity snapshot: the tick observer failed', error);
    }
    return outcome;
  }

  private async record(kind: SnapshotKind, sessionDate: string, status: Awaited<ReturnType<EquitySnapshotJobDeps['status']>>): Promise<SnapshotOutcome> {
    const unrealizedPnl = this.deps.supervisor.active ? this.deps.supervisor.unrealizedPnl() : status.openPositionCount === 0 ? ZERO : null;
    if (unrealizedPnl === null) return this.failed(kind, sessionDate, `unrealized P&L of the ${status.openPositionCount} open position(s) is unknown (no position actor watches them)`);
    const reading = await this.deps.account.readFresh();
    if (!reading) return this.failed(kind, sessionDate, 'the account read failed');
    if (reading.longMarketValue === null) return this.failed(kind, sessionDate, 'the broker reported no long market value');
    const row: EquitySnapshot = {
      mode: status.mode, at: reading.at, kind, sessionDate, equity: reading.equity, cash: reading.cash,
      longMarketValue: reading.longMarketValue, unrealizedPnl, realizedPnlToday: status.todayRealizedPnl,
      openPositions: status.openPositionCount,
    };
    const written = await insertEquitySnapshot(this.deps.db, row);
    return { kind, sessionDate, at: row.at, written };
  }

  private failed(row: SnapshotKind, sessionDate: string, reason: string): SnapshotOutcome {
    this.warnFor(row, sessionDate, `equity snapshot (${row}) not written: ${reason}`);
    return { kind: 'failed', row, reason };
  }

  /** the closing row is retried every minute until midnight: its failures are warned once a date */
  private warnFor(row: SnapshotKind, sessionDate: string, message: string, error?: unknown): void {
    if (row === 'close' && this.closeWarned === sessionDate) return;
    if (row === 'close') this.closeWarned = sessionDate;
    this.deps.warn(message, error);
  }

  /** wakes on each minute boundary of the injected clock; the next wake is set before the tick runs */
  private async timerLoop(signal: AbortSignal): Promise<void> {
    const untilNextMinute = () => MINUTE_MS - (this.deps.clock.now() % MINUTE_MS);
    let wake = this.deps.clock.sleep(untilNextMinute(), signal);
    for (;;) {
      try {
        await wake;
      } catch {
        return; // stopped
      }
      wake = this.deps.clock.sleep(untilNextMinute(), signal);
      wake.catch(() => undefined);
      await this.runOnce();
    }
  }
}

/** pure: which row the instant `now` calls for (the bot's state is checked by the tick) */
export function snapshotPlan(now: EpochMs, closeDone: string | null):
  { row: SnapshotKind; sessionDate: string } | { why: 'no_session' | 'market_closed' | 'close_done' } {
  const session = sessionOn(now);
  if (!session) return { why: 'no_session' };
  if (now >= session.open && now < session.close) return { row: 'minute', sessionDate: session.date };
  if (now < session.close + CLOSE_ROW_DELAY_MS) return { why: 'market_closed' };
  if (closeDone === session.date) return { why: 'close_done' };
  return { row: 'close', sessionDate: session.date };
}
