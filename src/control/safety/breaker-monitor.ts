/**
 * The circuit breakers and the daily loss limit, session-anchored. Each equity
 * observation: anchor the session start, compute the drawdown, persist it, act on a level change.
 * Invariants:
 *  - the trading date and whether the session is open come from `session` (the broker calendar,
 *    America/New_York); on a non-trading date nothing happens;
 *  - the anchor is the account's last_equity (the previous close: the session's true start, and it
 *    survives restarts), else the first equity observed while the session is open; once set for a
 *    date it never moves (anchorSessionStart);
 *  - the level is persisted BEFORE anything acts on it, escalate-only in SQL: the gateway denies
 *    entries from the stored level even if a pause below fails or the process dies right after;
 *  - act once per level per day: only the write that raised the stored level journals, notifies
 *    and pauses/halts (recordEquity reports the previous level under a row lock). A restart reads
 *    the stored level back and does nothing for it, so a bot the trader resumed is not paused
 *    again for a level already handled; a HIGHER level still acts. Same for the loss limit
 *    (markDailyLossTripped reports only the call that flipped it);
 *  - a halted or stopped bot is never paused, and a paused bot keeps the reason it has (a manual
 *    pause must not become auto-resumable); a halt applies to running, paused and stopped; the
 *    breaker is handled before the loss limit, so a halt in the same observation beats the pause;
 *  - a pause/halt that fails is journaled and retried on the next observation of the same date
 *    (the stronger of two owed actions is kept);
 *  - observations run one at a time, in call order.
 */
import type { BotSettings, BreakerLevel, StateReason } from '../../domain/bot-config.js';
import type { Decimal } from '../../domain/money.js';
import type { NotificationSeverity } from '../../domain/notification.js';
import type { EpochMs } from '../../domain/time.js';
import type { Clock } from '../../ports/clock.port.js';
import type { NotifierPort } from '../../ports/notifier.port.js';
import { levelFor, levelRank } from '../../core/breakers/breaker-level.js';
import { dayLoss, tripped } from '../../core/breakers/daily-loss.js';
import { drawdownPct } from '../../core/breakers/drawdown.js';
import { usd } from '../../core/risk/deny.js';
import { anchorSessionStart, markDailyLossTripped, recordEquity, appendJournal, getDailyStats, type Db } from '../../adapters/postgres/index.js';
import type { SafetyActions } from './safety-actions.js';
import { errorText } from '../../lib/error-text.js';
import { SerialQueue } from '../../lib/serial-queue.js';

export interface EquitySample {
  /** the account's equity now (realized and unrealized) */
  equity: Decimal;
  /** the account's equity at the previous close (Alpaca last_equity); null = not known */
  lastEquity: Decimal | null;
  /** Keel's open positions' unrealized P&L (negative = loss); null = unknown, counted as 0 */
  unrealizedPnl: Decimal | null;
}

/** the trading date (YYYY-MM-DD, ET) of an instant and whether its regular session is open */
export interface TradingSession {
  date: string;
  open: boolean;
}

export type SessionOf = (now: EpochMs) => TradingSession | null;

export interface BreakerMonitorDeps {
  db: Db;
  clock: Clock;
  actions: SafetyActions;
  notifier: NotifierPort;
  /** the latest settings (synchronous) */
  settings: () => BotSettings;
  session: SessionOf;
}

export interface BreakerObservation {
  date: string;
  sessionStartEquity: Decimal | null;
  drawdownPct: Decimal | null;
  /** the day's stored level after this observation */
  level: BreakerLevel;
  /** the day's realized P&L as stored with this observation */
  realizedPnl: Decimal;
  /** the level this observation raised the day to, if it did */
  raised: BreakerLevel | null;
  dailyLossTripped: boolean;
  /** true only for the observation that tripped the loss limit */
  lossTripped: boolean;
}

interface Enforcement {
  date: string;
  action: 'pause' | 'halt';
  reason: StateReason;
  detail: string;
}

const SEVERITY: Record<BreakerLevel, NotificationSeverity> = { none: 'info', warn: 'warning', pause: 'critical', halt: 'critical' };
const pct = (d: Decimal | null): string => (d === null ? 'unknown' : `${d.toFixed(2)}%`);
const money = (d: Decimal): string => (d.lt(0) ? `-${usd(d.abs())}` : usd(d));

export class BreakerMonitor {
  private readonly queue = new SerialQueue();
  private owed: Enforcement | null = null;

  constructor(private readonly deps: BreakerMonitorDeps) {}

  /** null when `at` is not on a trading date */
  observe(sample: EquitySample, at?: EpochMs): Promise<BreakerObservation | null> {
    return this.queue.run(() => this.run(sample, at ?? this.deps.clock.now()));
  }

  private async run(sample: EquitySample, at: EpochMs): Promise<BreakerObservation | null> {
    if (!sample.equity.isFinite()) throw new RangeError(`equity must be a finite amount, got ${sample.equity.toString()}`);
    const session = this.deps.session(at);
    if (!session) return null;
    const { db, clock } = this.deps;
    const { date } = session;
    if (this.owed && this.owed.date !== date) this.owed = null;
    if (this.owed) await this.enforce(this.owed);

    let start = (await getDailyStats(db, date))?.sessionStartEquity ?? null;
    const anchor = anchorFor(sample, session.open);
    if (start === null && anchor !== null) start = (await anchorSessionStart(db, date, anchor, clock.now())).sessionStartEquity;
    const settings = this.deps.settings();
    const drawdown = drawdownPct(start, sample.equity);
    const { stats, previousLevel } = await recordEquity(db, date, { equity: sample.equity, drawdownPct: drawdown, level: levelFor(drawdown, settings) }, clock.now());
    const raised = levelRank(stats.breakerLevel) > levelRank(previousLevel) ? stats.breakerLevel : null;
    if (raised && raised !== 'none') await this.onLevel(date, raised, previousLevel, { start, equity: sample.equity, drawdown }, settings);

    let lossTripped = false;
    if (!stats.dailyLossTripped && tripped(stats.realizedPnl, sample.unrealizedPnl, settings.dailyLossLimitUsd)) {
      lossTripped = (await markDailyLossTripped(db, date, clock.now())).newlyTripped;
      if (lossTripped) await this.onDailyLoss(date, stats.realizedPnl, sample.unrealizedPnl, settings.dailyLossLimitUsd);
    }
    return {
      date, sessionStartEquity: start, drawdownPct: drawdown, level: stats.breakerLevel, raised, realizedPnl: stats.realizedPnl,
      dailyLossTripped: stats.dailyLossTripped || lossTripped, lossTripped,
    };
  }

  private async onLevel(
    date: string, level: Exclude<BreakerLevel, 'none'>, previous: BreakerLevel,
    facts: { start: Decimal | null; equity: Decimal; drawdown: Decimal | null }, settings: BotSettings,
  ): Promise<void> {
    const threshold = { warn: settings.circuitBreakerWarnPct, pause: settings.circuitBreakerPausePct, halt: settings.circuitBreakerHaltPct }[level];
    const detail = `drawdown ${pct(facts.drawdown)} ≥ ${level} ${threshold}% on ${date}`;
    const outcome = level === 'warn' ? 'warning only'
      : await this.enforce({ date, action: level, reason: level === 'halt' ? 'breaker_halt' : 'breaker_pause', detail });
    const start = facts.start === null ? 'unknown' : usd(facts.start);
    await appendJournal(this.deps.db, {
      kind: 'warning', cause: 'breaker', subject: date,
      message: `circuit breaker ${previous} → ${level}: ${detail} (start ${start}, equity ${usd(facts.equity)}); ${outcome}`,
      data: {
        event: 'breaker_level', date, level, previousLevel: previous, drawdownPct: facts.drawdown?.toFixed() ?? null,
        sessionStartEquity: facts.start?.toFixed() ?? null, equity: facts.equity.toFixed(), thresholdPct: threshold, outcome,
      },
    }, this.deps.clock.now());
    this.deps.notifier.notify({
      kind: 'breaker_level', severity: SEVERITY[level], title: `Circuit breaker ${level.toUpperCase()}: drawdown ${pct(facts.drawdown)}`,
      text: `Equity ${usd(facts.equity)} vs session start ${start} (${date}, ${level} at ${threshold}%). ${outcome}.`,
      at: this.deps.clock.now(), key: `breaker_level:${date}:${level}`,
      data: { date, level, previousLevel: previous, drawdownPct: facts.drawdown?.toFixed() ?? null, equity: facts.equity.toFixed(), outcome },
    });
  }

  private async onDailyLoss(date: string, realized: Decimal, unrealized: Decimal | null, limit: Decimal): Promise<void> {
    const today = dayLoss(realized, unrealized).neg();
    const detail = `today's P&L ${money(today)} reached the ${usd(limit)} daily loss limit on ${date}`;
    const outcome = await this.enforce({ date, action: 'pause', reason: 'daily_loss', detail });
    const parts = `realized ${money(realized)}, unrealized ${unrealized === null ? 'unknown (0)' : money(unrealized)}`;
    const data = {
      date, todayPnl: today.toFixed(), realizedPnl: realized.toFixed(), unrealizedPnl: unrealized?.toFixed() ?? null, limit: limit.toFixed(), outcome,
    };
    await appendJournal(this.deps.db, {
      kind: 'warning', cause: 'daily-loss', subject: date, message: `daily loss limit: ${detail} (${parts}); ${outcome}`,
      data: { event: 'daily_loss_limit', ...data },
    }, this.deps.clock.now());
    this.deps.notifier.notify({
      kind: 'daily_loss_limit', severity: 'critical', title: `Daily loss limit reached: ${money(today)}`,
      text: `${parts}; limit ${usd(limit)} (${date}). ${outcome}.`, at: this.deps.clock.now(), key: `daily_loss_limit:${date}`, data,
    });
  }

  /** applies a pause/halt if the bot's state calls for it; says what happened; a failure is owed */
  private async enforce(want: Enforcement): Promise<string> {
    try {
      const { state, reason } = await this.deps.actions.current();
      let outcome: string;
      if (want.action === 'halt') {
        if (state === 'halted') outcome = `bot already halted (${reason ?? 'no reason'})`;
        else { await this.deps.actions.halt(want.reason, want.detail); outcome = 'bot halted: no entries, exits continue; acknowledge + start to leave'; }
      } else if (state === 'running') {
        await this.deps.actions.pause(want.reason, want.detail);
        outcome = 'bot paused: exits continue';
      } else {
        outcome = `bot left ${state}${reason ? ` (${reason})` : ''}`;
      }
      if (this.owed && (this.owed.action === want.action || want.action === 'halt')) this.owed = null;
      return outcome;
    } catch (error) {
      if (!this.owed || this.owed.action === 'pause') this.owed = want;
      const message = errorText(error);
      await appendJournal(this.deps.db, {
        kind: 'warning', cause: 'breaker', subject: want.date,
        message: `could not ${want.action} the bot (${want.reason}): ${message}; retried on the next observation`,
        data: { event: 'breaker_action_failed', ...want, error: message },
      }, this.deps.clock.now());
      return `${want.action} FAILED (${message}); retrying`;
    }
  }
}

/** the session anchor a sample offers: last_equity first, else the equity itself once the session is open */
function anchorFor(sample: EquitySample, open: boolean): Decimal | null {
  const positive = (d: Decimal | null): d is Decimal => d !== null && d.isFinite() && d.gt(0);
  if (positive(sample.lastEquity)) return sample.lastEquity;
  return open && positive(sample.equity) ? sample.equity : null;
}
