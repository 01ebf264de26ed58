/**
 * The position watchdog ("every position protected"): every few seconds of the injected
 * clock, while the bot is running or paused, each open/exiting trade must have a position actor
 * and (open) a fresh price — watchdog-rules.ts decides; this shell reads, repairs and escalates.
 * Invariants:
 *  - a violation is repaired on every check that sees it: a missing actor is re-adopted
 *    (supervisor.ensureTracked), a stale price polled (supervisor.refreshPrices). Repairs run in
 *    the background: a hung poll never stalls the checks that would escalate it. A stuck exit
 *    (supervisor.stuckExits) has no repair: it is journaled and escalates like the rest;
 *  - the journal gets each violation and its repair on every check up to the escalation, the
 *    escalation, and the end of the episode — never one entry per check for a fault that lasts
 *    hours (the journal is append-only; 12 checks a minute would bury everything else);
 *  - escalation (the same violation on `escalateAfter` consecutive checks) happens ONCE per
 *    episode: a running bot is paused (reason 'watchdog', exits continue) and the trader is
 *    notified; a paused one is only notified. A trader who resumes is not paused again for the
 *    same episode (as the breakers: act once). A pause that fails is retried on the next check;
 *  - outside running/paused nothing is checked and every episode is forgotten;
 *  - checks run one at a time, in call order.
 */
import { PeriodicJob } from '../jobs/periodic-job.js';
import type { SupervisorProtection } from '../../actors/position-supervisor.types.js';
import { judgeProtection, type ViolationTrack, type WatchdogBounds, type WatchdogViolation } from '../../core/safety/watchdog-rules.js';
import type { BotState } from '../../domain/bot-config.js';
import type { JournalInput } from '../../domain/journal.js';
import type { Clock } from '../../ports/clock.port.js';
import type { NotifierPort } from '../../ports/notifier.port.js';
import { appendJournalEntries, appendJournal, listTrades, type Db } from '../../adapters/postgres/index.js';
import type { SafetyActions } from './safety-actions.js';
import { errorText } from '../../lib/error-text.js';

export interface WatchdogSettings extends WatchdogBounds {
  /** the check period (ms of the injected clock) */
  checkEveryMs: number;
}

export const DEFAULT_WATCHDOG_SETTINGS: Readonly<WatchdogSettings> = Object.freeze({ checkEveryMs: 5_000, staleAfterMs: 30_000, escalateAfter: 3 });

export interface WatchdogDeps {
  db: Db;
  clock: Clock;
  notifier: NotifierPort;
  supervisor: Pick<SupervisorProtection, 'trackedTradeIds' | 'lastPriceAt' | 'ensureTracked' | 'refreshPrices' | 'stuckExits'> & Partial<Pick<SupervisorProtection, 'brokerProtected'>>;
  /** the bot's state, and the pause an escalation asks for */
  actions: Pick<SafetyActions, 'current' | 'pause'>;
  settings?: Partial<WatchdogSettings>;
  onError(message: string, error: unknown): void;
  /** every check the timer ran (logging, tests) */
  onCheck?(report: WatchdogReport): void;
}

export type WatchdogReport =
  | { ran: false; state: BotState }
  | {
    ran: true;
    state: BotState;
    violations: WatchdogViolation[];
    /** keys of the episodes this check ended */
    resolved: string[];
    /** violations this check escalated (first time at the threshold, or a pause retried) */
    escalated: WatchdogViolation[];
    paused: boolean;
  };

const CAUSE = 'watchdog';

export class PositionWatchdog {
  readonly settings: Readonly<WatchdogSettings>;
  private tracks = new Map<string, ViolationTrack>();
  /** episodes already escalated (notified, and paused if the bot ran) */
  private escalated = new Set<string>();
  private pauseOwed = false;
  private repairs: Promise<unknown> = Promise.resolve();

  private readonly job: PeriodicJob<WatchdogReport>;

  constructor(private readonly deps: WatchdogDeps) {
    this.settings = Object.freeze({ ...DEFAULT_WATCHDOG_SETTINGS, ...deps.settings });
    this.job = new PeriodicJob<WatchdogReport>({
      clock: this.deps.clock, everyMs: () => this.settings.checkEveryMs, run: () => this.check(),
      onRun: (r) => this.deps.onCheck?.(r), onError: (m, e) => this.deps.onError(m, e), name: 'watchdog',
    });
  }

  /** runs every period (the first after one period) until stop() or the signal aborts */
  start(signal?: AbortSignal): void {
    this.job.start(signal);
  }

  /** stops the timer and waits for a run in progress */
  stop(): Promise<void> {
    return this.job.stop();
  }

  /** one run now, after any in progress */
  checkOnce(): Promise<WatchdogReport> {
    return this.job.runOnce();
  }

  /** resolves when the repairs the last check started have finished (tests, shutdown) */
  async repairsSettled(): Promise<void> {
    await this.repairs;
  }

  private async check(): Promise<WatchdogReport> {
    const { db, clock, supervisor } = this.deps;
    const { state } = await this.deps.actions.current();
    if (state !== 'running' && state !== 'paused') {
      this.tracks.clear();
      this.escalated.clear();
      this.pauseOwed = false;
      return { ran: false, state };
    }
    const trades = await listTrades(db, { statuses: ['open', 'exiting'] });
    // actors are read AFTER the trades: one spawned meanwhile is seen, not reported missing
    const verdict = judgeProtection({
      trades, tracked: new Set(supervisor.trackedTradeIds()), priceAt: (symbol) => supervisor.lastPriceAt(symbol),
      now: clock.now(), bounds: this.settings, previous: this.tracks, stuck: supervisor.stuckExits(), brokerProtected: supervisor.brokerProtected?.(),
    });
    this.tracks = verdict.tracks;
    for (const key of verdict.resolved) this.escalated.delete(key);
    if (this.escalated.size === 0) this.pauseOwed = false;
    this.repair(verdict.readopt, verdict.refresh);

    const entries = verdict.violations.filter((v) => v.streak <= this.settings.escalateAfter).map(violationEntry);
    entries.push(...verdict.resolved.map((key): JournalInput => ({
      kind: 'warning', cause: CAUSE, subject: key.slice(key.indexOf(':') + 1),
      message: `watchdog: ${key} resolved`, data: { event: 'watchdog_resolved', key },
    })));
    if (entries.length > 0) await appendJournalEntries(db, entries, clock.now());

    const fresh = verdict.escalate.filter((v) => !this.escalated.has(v.key));
    const paused = fresh.length > 0 || this.pauseOwed ? await this.escalate(fresh, state) : false;
    return { ran: true, state, violations: verdict.violations, resolved: verdict.resolved, escalated: fresh, paused };
  }

  private repair(readopt: string[], refresh: string[]): void {
    const { supervisor, onError } = this.deps;
    const jobs: Array<Promise<unknown>> = [];
    if (readopt.length > 0) jobs.push(supervisor.ensureTracked(readopt).catch((e: unknown) => onError(`watchdog: re-adopting ${readopt.join(', ')} failed`, e)));
    if (refresh.length > 0) jobs.push(supervisor.refreshPrices(refresh).catch((e: unknown) => onError(`watchdog: polling ${refresh.join(', ')} failed`, e)));
    if (jobs.length > 0) this.repairs = Promise.all([this.repairs, ...jobs]);
  }

  /** pauses a running bot and notifies, once per episode; says whether it paused */
  private async escalate(fresh: WatchdogViolation[], state: BotState): Promise<boolean> {
    const { db, clock } = this.deps;
    const all = [...this.tracks.keys()].filter((k) => this.escalated.has(k) || fresh.some((v) => v.key === k));
    const detail = fresh.length > 0 ? fresh.map(describeViolation).join('; ') : `unresolved: ${all.join(', ')}`;
    let outcome: string;
    let paused = false;
    if (state === 'running') {
      try {
        await this.deps.actions.pause('watchdog', detail);
        outcome = 'bot paused: no new entries, exits continue';
        paused = true;
        this.pauseOwed = false;
      } catch (error) {
        outcome = `pause FAILED (${errorText(error)}); retrying on the next check`;
        this.pauseOwed = true;
      }
    } else {
      outcome = 'bot already paused';
      this.pauseOwed = false;
    }
    for (const v of fresh) this.escalated.add(v.key);
    await appendJournal(db, {
      kind: 'warning', cause: CAUSE, subject: null, message: `watchdog escalated: ${detail}; ${outcome}`,
      data: { event: 'watchdog_escalated', keys: fresh.map((v) => v.key), outcome, paused },
    }, clock.now());
    if (fresh.length > 0) {
      const at = clock.now();
      this.deps.notifier.notify({
        kind: 'watchdog', severity: 'critical', title: `Position watchdog: ${fresh.length} position fault(s) persist`,
        text: `${detail}. ${outcome}.`, at, key: `watchdog:${fresh.map((v) => `${v.key}@${v.since}`).join(',')}`,
        data: { violations: fresh.map(summary), outcome, paused },
      });
    }
    return paused;
  }

}

function describeViolation(v: WatchdogViolation): string {
  if (v.kind === 'actor_missing') return `trade ${v.tradeId} (${v.symbol}, ${v.status}) has no position actor`;
  if (v.kind === 'exit_stuck') return `the exit of trade ${v.tradeId} (${v.symbol}) cannot complete: ${v.detail}`;
  const age = v.ageMs === null ? 'no price confirmed' : `last price ${Math.round(v.ageMs / 1000)} s old`;
  return `${v.symbol}: ${age} (trade(s) ${v.tradeIds.join(', ')})`;
}

function summary(v: WatchdogViolation): Record<string, unknown> {
  switch (v.kind) {
    case 'actor_missing': return { kind: v.kind, tradeId: v.tradeId, symbol: v.symbol, streak: v.streak, since: v.since };
    case 'exit_stuck': return { kind: v.kind, tradeId: v.tradeId, symbol: v.symbol, reason: v.reason, exitingSince: v.exitingSince, streak: v.streak, since: v.since };
    case 'price_stale': return { kind: v.kind, symbol: v.symbol, tradeIds: v.tradeIds, ageMs: v.ageMs, streak: v.streak, since: v.since };
  }
}

const REPAIR: Record<WatchdogViolation['kind'], string> = {
  actor_missing: 're-adopting the trade', price_stale: 'snapshot poll requested', exit_stuck: 'no automatic repair: the position needs attention',
};

function violationEntry(v: WatchdogViolation): JournalInput {
  const repair = REPAIR[v.kind];
  return {
    kind: 'warning', cause: CAUSE, subject: v.kind === 'price_stale' ? v.symbol : v.tradeId,
    message: `watchdog: ${describeViolation(v)}; ${repair} (check ${v.streak})`,
    data: { event: 'watchdog_violation', ...summary(v), repair },
  };
}
