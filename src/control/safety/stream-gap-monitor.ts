/**
 * The stream-gap monitor: while the trade_updates stream is not live (the gate of
 * streams/operators/trade-stream-gate.ts: down, refused, or still catching up), entries are already
 * denied (STREAM_RECONCILING) but exits still go out, and their fills reach Keel only by REST. Every
 * `confirmEveryMs` of the injected clock this job reads the gate and, during a gap:
 *  - confirms the working orders (entry and exit) of every tracked trade by REST
 *    (supervisor.refreshWorkingOrders), so an exit that fills while the stream is down closes its
 *    trade with its real fill;
 *  - once the gap is longer than `notifyAfterMs`, journals it (kind 'warning', cause 'stream_gap')
 *    and notifies the trader (kind 'stream_down'); when the gate is live again after such an
 *    episode, journals and notifies the recovery.
 * Invariants:
 *  - an episode is the run of checks that saw the gate not live; it began at the gate's own `since`
 *    when first seen (the check's time if the gate never connected). At most ONE gap entry and
 *    notice, and one recovery entry and notice, per episode, never one per check; an episode
 *    shorter than the threshold leaves no trace;
 *  - only while the supervisor is active and the bot running, paused or halted; otherwise the
 *    episode is forgotten (a stopped bot's closed gate is not an outage);
 *  - confirmations run in the background, one at a time (a check that finds one in flight skips
 *    its own): a hung REST read never delays the notice; they run only while the gate is not live
 *    and some trade is tracked (a live stream delivers fills itself);
 *  - the notice is sent before its journal entry is written, and neither is retried (a failed
 *    write is reported): the trader hears of the gap even when the database does not answer;
 *  - checks run one at a time, in call order (PeriodicJob).
 */
import { PeriodicJob } from '../jobs/periodic-job.js';
import type { PositionSupervisor, SupervisorProtection } from '../../actors/position-supervisor.types.js';
import type { BotState } from '../../domain/bot-config.js';
import type { StreamGate } from '../../streams/operators/trade-stream-gate.js';
import type { Clock } from '../../ports/clock.port.js';
import type { NotifierPort } from '../../ports/notifier.port.js';
import { appendJournal, type Db } from '../../adapters/postgres/index.js';
import type { SafetyActions } from './safety-actions.js';

export interface StreamGapSettings {
  /** the check period, and so how often working orders are confirmed by REST during a gap (ms) */
  confirmEveryMs: number;
  /** a gap longer than this is journaled and notified, once per episode (ms) */
  notifyAfterMs: number;
}

export const DEFAULT_STREAM_GAP_SETTINGS: Readonly<StreamGapSettings> = Object.freeze({ confirmEveryMs: 2_000, notifyAfterMs: 60_000 });

export interface StreamGapDeps {
  db: Db;
  clock: Clock;
  notifier: NotifierPort;
  supervisor: Pick<PositionSupervisor, 'active' | 'streamGate'> & Pick<SupervisorProtection, 'trackedTradeIds' | 'refreshWorkingOrders'>;
  actions: Pick<SafetyActions, 'current'>;
  settings?: Partial<StreamGapSettings>;
  onError(message: string, error: unknown): void;
  /** every check the timer ran (logging, tests) */
  onCheck?(report: StreamGapReport): void;
}

export interface StreamGapReport {
  /** the check's time (epoch ms of the injected clock) */
  at: number;
  /** what the gate said at this check */
  phase: StreamGate['phase'];
  /** a gap is being watched: gate not live, supervisor active, bot running/paused/halted */
  watched: boolean;
  /** when the current episode began (null: none) */
  downSince: number | null;
  /** this check started a REST confirmation of the working orders */
  confirmed: boolean;
  /** this check journaled and notified the gap */
  notified: boolean;
  /** this check journaled and notified the end of a notified gap */
  recovered: boolean;
}

interface Episode {
  since: number;
  notified: boolean;
}

const CAUSE = 'stream_gap';
const WATCHED_STATES: readonly BotState[] = ['running', 'paused', 'halted'];
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

export class StreamGapMonitor {
  readonly settings: Readonly<StreamGapSettings>;
  private episode: Episode | null = null;
  private confirming: Promise<void> | null = null;
  private readonly job: PeriodicJob<StreamGapReport>;

  constructor(private readonly deps: StreamGapDeps) {
    this.settings = Object.freeze({ ...DEFAULT_STREAM_GAP_SETTINGS, ...deps.settings });
    this.job = new PeriodicJob<StreamGapReport>({
      clock: deps.clock, everyMs: () => this.settings.confirmEveryMs, run: () => this.check(),
      onRun: (r) => deps.onCheck?.(r), onError: (m, e) => deps.onError(m, e), name: 'stream-gap monitor',
    });
  }

  /** runs every period (the first after one period) until stop() or the signal aborts */
  start(signal?: AbortSignal): void {
    this.job.start(signal);
  }

  /** stops the timer and waits for a check and a confirmation in progress */
  async stop(): Promise<void> {
    await this.job.stop();
    await this.confirmationSettled();
  }

  /** one check now, after any in progress */
  checkOnce(): Promise<StreamGapReport> {
    return this.job.runOnce();
  }

  /** resolves when the confirmation in flight (if any) has ended */
  async confirmationSettled(): Promise<void> {
    await this.confirming;
  }

  private async check(): Promise<StreamGapReport> {
    const { supervisor, clock } = this.deps;
    const gate = supervisor.streamGate();
    const now = clock.now();
    const report: StreamGapReport = { at: now, phase: gate.phase, watched: false, downSince: null, confirmed: false, notified: false, recovered: false };
    if (gate.live) {
      const ended = this.episode;
      this.episode = null;
      if (ended?.notified) {
        report.recovered = true;
        await this.recover(ended, gate, now);
      }
      return report;
    }
    // a stopped supervisor's gate is always closed: not an outage, and no state read every period
    const state = supervisor.active ? (await this.deps.actions.current()).state : null;
    if (!state || !WATCHED_STATES.includes(state)) {
      this.episode = null;
      return report;
    }
    const episode = (this.episode ??= { since: gate.since > 0 ? Math.min(gate.since, now) : now, notified: false });
    report.watched = true;
    report.downSince = episode.since;
    report.confirmed = this.confirm();
    if (!episode.notified && now - episode.since > this.settings.notifyAfterMs) {
      episode.notified = true;
      report.notified = true;
      await this.notifyDown(episode, gate, state, now);
    }
    return report;
  }

  private confirm(): boolean {
    const { supervisor, onError } = this.deps;
    if (this.confirming || supervisor.trackedTradeIds().length === 0) return false;
    this.confirming = supervisor.refreshWorkingOrders()
      .catch((error: unknown) => onError('stream-gap monitor: confirming working orders failed', error))
      .finally(() => { this.confirming = null; });
    return true;
  }

  private async notifyDown(episode: Episode, gate: StreamGate, state: BotState, now: number): Promise<void> {
    const downMs = now - episode.since;
    const tracked = this.deps.supervisor.trackedTradeIds().length;
    const text = `no new entries (STREAM_RECONCILING); exits continue, ${tracked} tracked trade(s) confirmed by REST every ${seconds(this.settings.confirmEveryMs)}`;
    const data = { event: 'stream_gap', since: episode.since, downMs, phase: gate.phase, state, tracked };
    this.deps.notifier.notify({
      kind: 'stream_down', severity: 'warning', title: `Trade stream down for ${seconds(downMs)}`, text,
      at: now, key: `stream_down:${episode.since}`, data,
    });
    await this.journal(`trade stream not live for ${seconds(downMs)} (${gate.phase}): ${text}`, data, now);
  }

  private async recover(episode: Episode, gate: StreamGate, now: number): Promise<void> {
    const downMs = now - episode.since;
    const data = { event: 'stream_gap_recovered', since: episode.since, liveSince: gate.since, downMs };
    this.deps.notifier.notify({
      kind: 'stream_down', severity: 'info', title: `Trade stream live again after ${seconds(downMs)}`,
      text: 'caught up by REST; entries allowed again', at: now, key: `stream_down:${episode.since}:recovered`, data,
    });
    await this.journal(`trade stream live again after ${seconds(downMs)}: caught up, entries allowed`, data, now);
  }

  private async journal(message: string, data: Record<string, unknown>, now: number): Promise<void> {
    try {
      await appendJournal(this.deps.db, { kind: 'warning', cause: CAUSE, subject: null, message, data }, now);
    } catch (error) {
      this.deps.onError('stream-gap monitor: journaling failed', error);
    }
  }
}
