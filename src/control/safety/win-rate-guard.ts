/**
 * The win-rate guard: when a trade closes, the latest closed trades of the current mode are judged
 * (core/safety/win-rate.ts); a rate below minWinRate pauses a running bot with the reason
 * win_rate, journaled and notified once.
 * Invariants:
 *  - event-driven: it runs when a trade closed (an exit fill, or reconciliation closing a trade),
 *    never on a timer;
 *  - nothing happens before `minWinRateLookback` trades closed in the window, nor while the guard
 *    is off (minWinRate null);
 *  - only a RUNNING bot is paused: a paused, halted or stopped bot is left as it is (a pause keeps
 *    the reason it has), so exits that keep closing losers while paused add nothing: one pause,
 *    one journal entry, one notification;
 *  - a resume (or a start) starts a fresh window (persisted with the state, lifecycle-effects.ts),
 *    so the losers that paused the bot cannot pause it again and the guard cannot lock it;
 *  - a pause that fails is journaled and tried again at the next close;
 *  - checks run one at a time, in call order.
 */
import { loadWinRateWindow, appendJournal, type Db } from '../../adapters/postgres/index.js';
import { describeWinRate, judgeWinRate, type WinRateVerdict } from '../../core/safety/win-rate.js';
import type { BotSettings } from '../../domain/bot-config.js';
import type { Clock } from '../../ports/clock.port.js';
import type { NotifierPort } from '../../ports/notifier.port.js';
import type { SafetyActions } from './safety-actions.js';
import { errorText } from '../../lib/error-text.js';
import { SerialQueue } from '../../lib/serial-queue.js';

export interface WinRateGuardDeps {
  db: Db;
  clock: Clock;
  actions: SafetyActions;
  notifier: NotifierPort;
  /** the latest settings (synchronous) */
  settings: () => Pick<BotSettings, 'minWinRate' | 'minWinRateLookback'>;
}

export interface WinRateCheck {
  verdict: WinRateVerdict;
  /** true only for the check that paused the bot */
  paused: boolean;
}

export class WinRateGuard {
  private readonly queue = new SerialQueue();

  constructor(private readonly deps: WinRateGuardDeps) {}

  /** a trade closed: judge the window now */
  tradeClosed(): Promise<WinRateCheck> {
    return this.queue.run(() => this.check());
  }

  private async check(): Promise<WinRateCheck> {
    const settings = this.deps.settings();
    const verdict = judgeWinRate(settings.minWinRate === null ? { trades: 0, wins: 0 } : await loadWinRateWindow(this.deps.db), settings);
    if (verdict.status !== 'below') return { verdict, paused: false };
    const { state } = await this.deps.actions.current();
    if (state !== 'running') return { verdict, paused: false };
    const detail = describeWinRate(verdict);
    const { db, clock } = this.deps;
    const data = { event: 'win_rate_below_min', winRate: verdict.winRate, minWinRate: verdict.minWinRate, wins: verdict.wins, trades: verdict.trades, lookback: verdict.lookback };
    try {
      await this.deps.actions.pause('win_rate', detail);
    } catch (error) {
      const message = errorText(error);
      await appendJournal(db, {
        kind: 'warning', cause: 'win-rate', message: `could not pause the bot (win_rate): ${message}; tried again at the next close`,
        data: { ...data, event: 'win_rate_pause_failed', error: message },
      }, clock.now());
      return { verdict, paused: false };
    }
    const at = clock.now();
    await appendJournal(db, { kind: 'warning', cause: 'win-rate', message: `win-rate guard: ${detail}; bot paused: exits continue, resume starts a fresh window`, data }, at);
    this.deps.notifier.notify({
      kind: 'win_rate', severity: 'critical', title: `Win rate below minimum: bot paused`,
      text: `${detail}. Exits continue; resume to trade again (only trades closed after the resume count).`,
      at, key: `win_rate:${at}`, data,
    });
    return { verdict, paused: true };
  }
}
