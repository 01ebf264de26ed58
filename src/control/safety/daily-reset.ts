/**
 * The daily reset: before the open, the new trading date starts with clear counters,
 * and a bot the breaker or the loss limit paused on an earlier date may resume.
 * Invariants:
 *  - counters are per date, so "clearing" is ensuring the new date's row exists with zeros;
 *    an existing row is never touched (a breaker tripped pre-market today stays tripped) and no
 *    previous day is ever changed;
 *  - auto-resume only when autoResumeNextDay is on, the bot is paused with reason breaker_pause
 *    or daily_loss, and that pause is from an EARLIER date: today's row shows no pause-level
 *    breaker and no tripped loss limit. Never a halted bot, never a manual (or any other) pause;
 *  - runs on trading dates only (the broker calendar via `session`): a weekend or holiday does nothing;
 *  - idempotent: once a date's reset is journaled (subject `daily-reset:<date>`), running it again
 *    for that date does nothing. The journal entry is written last, so a reset that failed half-way
 *    is retried whole (each step is safe to repeat);
 *  - the scheduler runs it at 09:00 America/New_York Mon–Fri (lib/ny-cron.ts, plus a timer on the
 *    injected clock, as session-close.scheduler.ts does), and once at start when Keel boots after
 *    09:00 on a trading date (catch-up). Runs are serialized.
 */
import { levelRank } from '../../core/breakers/breaker-level.js';
import type { BotSettings } from '../../domain/bot-config.js';
import { addDays, etDate, etWallToEpoch } from '../../domain/market-time.js';
import type { EpochMs } from '../../domain/time.js';
import type { Clock } from '../../ports/clock.port.js';
import type { NotifierPort } from '../../ports/notifier.port.js';
import { ensureDailyStats, listJournalForSubjects, appendJournal, type Db } from '../../adapters/postgres/index.js';
import type { SessionOf } from './breaker-monitor.js';
import type { SafetyActions } from './safety-actions.js';
import { scheduleNyCron, type NyCronJob } from '../../lib/ny-cron.js';
import { SerialQueue } from '../../lib/serial-queue.js';

export const DAILY_RESET_CRON = '0 9 * * 1-5';
const RESET_HOUR = 9;

export interface DailyResetDeps {
  db: Db;
  clock: Clock;
  actions: SafetyActions;
  settings: () => BotSettings;
  session: SessionOf;
  notifier: NotifierPort;
}

export type DailyResetResult =
  | { ran: false; date: string | null; why: 'not_a_trading_day' | 'already_done' }
  | { ran: true; date: string; rowCreated: boolean; resumed: boolean; note: string };

export const dailyResetSubject = (date: string): string => `daily-reset:${date}`;

export async function runDailyReset(deps: DailyResetDeps): Promise<DailyResetResult> {
  const { db, clock, actions } = deps;
  const session = deps.session(clock.now());
  if (!session) return { ran: false, date: null, why: 'not_a_trading_day' };
  const { date } = session;
  const subject = dailyResetSubject(date);
  if ((await listJournalForSubjects(db, [subject], 1)).length > 0) return { ran: false, date, why: 'already_done' };

  const { stats, created } = await ensureDailyStats(db, date, clock.now());
  const { state, reason } = await actions.current();
  const breakerPaused = state === 'paused' && (reason === 'breaker_pause' || reason === 'daily_loss');
  const trippedToday = levelRank(stats.breakerLevel) >= levelRank('pause') || stats.dailyLossTripped;
  let resumed = false;
  let note: string;
  if (!breakerPaused) note = `bot ${state}${reason ? ` (${reason})` : ''}: nothing to resume`;
  else if (!deps.settings().autoResumeNextDay) note = `bot stays paused (${reason}): autoResumeNextDay is off`;
  else if (trippedToday) note = `bot stays paused (${reason}): today's breaker is ${stats.breakerLevel}${stats.dailyLossTripped ? ', loss limit tripped' : ''}`;
  else {
    await actions.resume('daily-reset');
    resumed = true;
    note = `bot resumed: the ${reason} pause was from an earlier session (autoResumeNextDay)`;
  }

  await appendJournal(db, {
    kind: 'warning', cause: 'daily-reset', subject,
    message: `daily reset for ${date}: ${created ? 'fresh counters' : 'counters already started today, kept'}; ${note}`,
    data: { event: 'daily_reset', date, rowCreated: created, resumed, state, reason, autoResumeNextDay: deps.settings().autoResumeNextDay },
  }, clock.now());
  if (resumed) {
    deps.notifier.notify({
      kind: 'breaker_level', severity: 'info', title: `Bot resumed for ${date}`,
      text: `The ${reason === 'daily_loss' ? 'daily loss limit' : 'circuit breaker'} pause of an earlier session was lifted by the daily reset (autoResumeNextDay).`,
      at: clock.now(), key: `breaker_level:${date}:auto_resume`, data: { date, previousReason: reason },
    });
  }
  return { ran: true, date, rowCreated: created, resumed, note };
}

/** the next 09:00 ET strictly after `now` */
export function nextResetAt(now: EpochMs): EpochMs {
  const today = etWallToEpoch(etDate(now), RESET_HOUR, 0);
  return now < today ? today : etWallToEpoch(addDays(etDate(now), 1), RESET_HOUR, 0);
}

export interface DailyResetSchedulerDeps extends DailyResetDeps {
  onError(message: string, error: unknown): void;
  /** every finished run (logging, tests) */
  onRun?(result: DailyResetResult): void;
  /** default true; the wall-clock cron job */
  cron?: boolean;
}

export class DailyResetScheduler {
  private task: NyCronJob | null = null;
  private abort: AbortController | null = null;
  private readonly queue = new SerialQueue();

  constructor(private readonly deps: DailyResetSchedulerDeps) {}

  /** catch-up first (after 09:00 ET on a trading date, if today's reset has not run), then the schedule */
  async start(): Promise<void> {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    const now = this.deps.clock.now();
    if (now >= etWallToEpoch(etDate(now), RESET_HOUR, 0)) await this.runNow().catch(() => undefined);
    if (this.deps.cron !== false) {
      // runNow already warns its own failures
      this.task = scheduleNyCron({
        name: 'keel-daily-reset', expression: DAILY_RESET_CRON, onError: this.deps.onError, run: () => this.runNow().catch(() => undefined),
      });
    }
    void this.timerLoop(abort.signal);
  }

  async stop(): Promise<void> {
    this.abort?.abort(new Error('stopped'));
    this.abort = null;
    const task = this.task;
    this.task = null;
    await task?.stop();
  }

  /** one reset now, after any run in progress; errors go to onError and reject */
  runNow(): Promise<DailyResetResult> {
    return this.queue.run(() => runDailyReset(this.deps).then(
      (result) => { this.deps.onRun?.(result); return result; },
      (error: unknown) => { this.deps.onError('daily reset failed', error); throw error; },
    ));
  }

  /** sleeps on the injected clock until each 09:00 ET */
  private async timerLoop(signal: AbortSignal): Promise<void> {
    try {
      for (;;) {
        const now = this.deps.clock.now();
        await this.deps.clock.sleep(Math.max(0, nextResetAt(now) - now), signal);
        await this.runNow().catch(() => undefined);
      }
    } catch (error) {
      if (!signal.aborted) this.deps.onError('daily reset timer failed', error);
    }
  }
}
