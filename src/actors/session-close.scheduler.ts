/**
 * The session close: every open position is force-closed at 15:45 ET on trading days, and 15
 * minutes before the close on early-close days (broker calendar). Two triggers, one effect:
 *  - the cron '45 15 * * 1-5' in New York time (lib/ny-cron.ts: the wall-clock guarantee in production);
 *  - a timer on the injected Clock at today's forceCloseAt (early closes; ManualClock in tests).
 * Invariants: forceCloseAt is computed once per ET day from the calendar (pure helper below), for
 * the session the broker's clock says is open (its next close's ET date: the same day in any real
 * session; a demo exchange pinned open at night is in tomorrow's, so a position opened there is not
 * force-closed at once by a 15:45 that has passed); nothing fires on a day that is not a trading
 * day; stop() destroys the cron task and the timer.
 */
import { FORCE_CLOSE_BEFORE_CLOSE_MS, forceCloseAtOn } from '../core/calendar/force-close.js';
import type { CalendarDay } from '../domain/account.js';
import { addDays, etDate, etWallToEpoch, parseHhMm } from '../domain/market-time.js';
import type { EpochMs } from '../domain/time.js';
import type { BrokerPort } from '../ports/broker.port.js';
import type { Clock } from '../ports/clock.port.js';
import { scheduleNyCron, type NyCronJob } from '../lib/ny-cron.js';

export const FORCE_CLOSE_CRON = '45 15 * * 1-5';

/** pure: the forced close of `date` (null when the calendar has no session that day) */
export function forceCloseAtFor(date: string, calendar: readonly CalendarDay[], eodTime = '15:45'): EpochMs | null {
  const day = calendar.find((d) => d.date === date);
  if (!day) return null;
  return forceCloseAtOn(date, etWallToEpoch(date, ...parseHhMm(day.close)), eodTime);
}

export interface SessionCloseDeps {
  broker: () => BrokerPort;
  clock: Clock;
  /** today's forceCloseAt changed (feeds the exit settings' session-close rule) */
  onForceCloseAt(at: EpochMs | null): void;
  /** send EXIT force_close_eod to every open position */
  onForceClose(): void;
  onError(message: string, error: unknown): void;
  /** default true; the wall-clock cron job */
  cron?: boolean;
  eodTime?: string;
}

export class SessionCloseScheduler {
  private task: NyCronJob | null = null;
  private abort: AbortController | null = null;
  private today: { date: string; at: EpochMs | null } | null = null;

  constructor(private readonly deps: SessionCloseDeps) {}

  get forceCloseAt(): EpochMs | null {
    return this.today?.at ?? null;
  }

  async start(): Promise<void> {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    await this.refresh();
    if (this.deps.cron !== false) {
      this.task = scheduleNyCron({
        name: 'keel-force-close', expression: FORCE_CLOSE_CRON, onError: this.deps.onError,
        run: () => {
          if (this.today?.at !== null && this.today?.date === etDate(this.deps.clock.now())) this.deps.onForceClose();
        },
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

  private async refresh(): Promise<void> {
    const today = etDate(this.deps.clock.now());
    if (this.today?.date === today) return;
    const broker = this.deps.broker();
    // the clock and a week of calendar in one round (the session the clock says is open may be the
    // next trading day's, when an exchange is pinned open at night)
    const settled = async <T>(read: () => Promise<T>): Promise<T | Error> => {
      try { return await read(); } catch (error) { return error instanceof Error ? error : new Error(String(error)); }
    };
    const [clock, calendar] = await Promise.all([
      settled(() => broker.getClock()),
      settled(() => broker.getCalendar({ start: today, end: addDays(today, 7) })),
    ]);
    // the clock unreadable: today's session, as the calendar says
    const date = !(clock instanceof Error) && clock.isOpen ? etDate(clock.nextClose) : today;
    if (this.today?.date === date) return;
    let at: EpochMs | null;
    if (calendar instanceof Error) {
      this.deps.onError('session close: calendar unavailable; 15:45 ET assumed', calendar);
      at = etWallToEpoch(date, ...parseHhMm(this.deps.eodTime ?? '15:45'));
    } else {
      at = forceCloseAtFor(date, calendar, this.deps.eodTime);
    }
    this.today = { date, at };
    this.deps.onForceCloseAt(at);
  }

  /** today's timer, then tomorrow's: sleeps on the injected clock */
  private async timerLoop(signal: AbortSignal): Promise<void> {
    try {
      for (;;) {
        await this.refresh();
        const now = this.deps.clock.now();
        const at = this.today?.at ?? null;
        if (at !== null && now < at + FORCE_CLOSE_BEFORE_CLOSE_MS) {
          await this.deps.clock.sleep(Math.max(0, at - now), signal);
          this.deps.onForceClose();
        }
        const tomorrow = etWallToEpoch(addDays(etDate(this.deps.clock.now()), 1), 0, 1);
        await this.deps.clock.sleep(Math.max(0, tomorrow - this.deps.clock.now()), signal);
      }
    } catch (error) {
      if (!signal.aborted) this.deps.onError('session close timer failed', error);
    }
  }
}
