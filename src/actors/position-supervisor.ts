/**
 * createPositionSupervisor: the lifecycle of the tracked positions (tracked-positions.ts), fed by
 *  - each symbol's exit DECISIONS: one shared price stream per symbol (price-feed.ts) evaluated by
 *    that symbol's SymbolBook in plain code (core/exits), so a tick never reaches an actor;
 *  - its trades' order updates (fill-router.ts, producing the runtime's keyed order stream);
 *  - the clock: each symbol's time exits (max hold, session close) fire from a timer at its book's
 *    earliest deadline, print or no print (symbol-slots.ts).
 * Invariants:
 *  - start() is idempotent and crash-only: it loads live trades with their persisted peak and entry
 *    time, re-reads their working orders by REST, and resumes an exit a crash interrupted (the
 *    position machine's restore path);
 *  - a symbol is watched while it has an armed position, released after the last one;
 *  - peaks are persisted at most once per `peakFlushMs` per trade, and always with the exit intent;
 *  - stop() leaves trades and broker positions as they are (the status shows them unattended);
 *  - applySettings() re-arms every book at once and re-evaluates it at its last price, so a
 *    tightened stop or a shorter max hold fires now; a change racing start() is not lost (a
 *    sequence number tells start() the config it read may be older than the latest applied).
 */
import type { ExitReason, Trade } from '../domain/trade.js';
import type { SubmitOutcome } from '../ports/broker.port.js';
import { PriceFeed } from '../streams/price-feed.js';
import { GATE_CLOSED, tradeStreamGate } from '../streams/operators/trade-stream-gate.js';
import { resolveByClientOrderId } from './entry-resolver.js';
import { rearmBooks, toExitSettings } from './exit-settings.js';
import { FillRouter } from './fill-router.js';
import { runPeakLoop } from './peak-persistence.js';
import type { PositionActorDeps } from './position-host.js';
import type { PositionSupervisorDeps } from './position-supervisor.deps.js';
import type { ExitAllReport, ExitRuleSettings, PositionSupervisor, SupervisorProtection } from './position-supervisor.types.js';
import { SessionCloseScheduler } from './session-close.scheduler.js';
import { TrackedPositions, type Run } from './tracked-positions.js';

export type { PositionAdapters, PositionSupervisorDeps, PositionTuning } from './position-supervisor.deps.js';

class Supervisor extends TrackedPositions implements PositionSupervisor, SupervisorProtection {
  /** bumped by every applySettings(): start() compares it to see whether its config read is stale */
  private settingsSeq = 0;
  private latestSettings: ExitRuleSettings | null = null;

  constructor(deps: PositionSupervisorDeps) {
    super(deps);
  }

  start(): Promise<void> {
    if (this.run) return Promise.resolve();
    this.starting ??= this.doStart().finally(() => { this.starting = null; });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const { store, clock } = this.deps;
    const adapters = this.deps.adapters();
    if (!adapters) throw new Error('no broker adapters for the current mode');
    const tuning = this.deps.tuning ?? {};
    const seqAtLoad = this.settingsSeq;
    const config = await store.exitRules(clock.now());
    const feed = new PriceFeed({ stream: adapters.marketDataStream, marketData: adapters.marketData, scheduler: this.scheduler, pollEveryMs: tuning.pollEveryMs, onError: this.warn });
    const router = new FillRouter({
      broker: () => adapters.broker, clock, orders: this.runtime.orders,
      onFillPrice: (symbol, price, at) => feed.push({ symbol, price, at, source: 'fill' }),
      onError: this.warn,
    });
    const latest = this.settingsSeq !== seqAtLoad ? this.latestSettings : null;
    const rules = latest ?? config;
    const run: Run = {
      adapters, feed, router, abort: new AbortController(), settings: toExitSettings(rules, null), stopMode: rules.brokerStopMode ?? 'hard_stop', eodTime: rules.eodForceCloseTime, subs: [],
      session: null as unknown as SessionCloseScheduler, // set just below: its callbacks need `run`
      actorDeps: null as unknown as PositionActorDeps,
    };
    run.actorDeps = this.actorDeps(run);
    run.session = this.sessionClose(run);
    this.run = run;
    this.gate = GATE_CLOSED;
    run.subs.push(adapters.tradeStream.events$.pipe(tradeStreamGate()).subscribe((gate) => { this.gate = gate; }));
    run.subs.push(router.attach(adapters.tradeStream.events$, () => this.actors.values()));
    adapters.tradeStream.start();
    // joining a stream that was already connected (the journal's subscription keeps it up while the
    // bot is stopped): its catch-up happened before this subscription; run one for the gate and router
    adapters.tradeStream.requestResync();
    adapters.marketDataStream.start();
    await run.session.start();
    const trades = await store.liveTrades();
    const spawned = trades.reverse().map((trade) => this.spawn(trade));
    await Promise.all(spawned.map(async (actor) => {
      await router.refresh(actor);
      actor.resume();
      this.rebuildPeak(run, actor);
    }));
    void runPeakLoop({
      clock, periodMs: tuning.peakFlushMs ?? 10_000, signal: run.abort.signal, current: () => this.run === run,
      flush: () => this.flushPeaks(), warn: this.warn,
    });
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const run = this.run;
    if (!run) return;
    this.run = null;
    run.abort.abort(new Error('position supervisor stopped'));
    for (const sub of run.subs) sub.unsubscribe();
    this.flushPeaks(); // a restart resumes from the latest peak, not the last throttled one
    this.slots.clear();
    run.feed.stop();
    await run.session.stop();
    const actors = [...this.actors.values()];
    for (const actor of actors) actor.stop();
    await Promise.allSettled(actors.map((a) => a.idle()));
    for (const actor of actors) this.events$.next({ type: 'untracked', tradeId: actor.trade.id });
    this.actors.clear();
  }

  applySettings(settings: ExitRuleSettings): void {
    this.settingsSeq++;
    this.latestSettings = settings;
    const run = this.run;
    if (!run) return; // stopped: start() reads the persisted config; starting: it sees the sequence moved
    run.settings = toExitSettings(settings, run.settings.forceCloseAt);
    run.stopMode = settings.brokerStopMode ?? run.stopMode;
    const { armed, decisions } = rearmBooks(this.slots.books(), run.settings, this.scheduler.now());
    this.slots.retime();
    if (settings.eodForceCloseTime !== run.eodTime) this.rescheduleSessionClose(run, settings.eodForceCloseTime);
    this.events$.next({ type: 'settings_applied', settings, armed, exits: decisions.length });
    for (const decision of decisions) this.onDecision(decision);
    // a new level or mode: each protective stop is brought in line (a step that changes nothing when equal)
    for (const actor of this.actors.values()) actor.stopChanged();
  }

  entrySubmitted(trade: Trade, outcome: SubmitOutcome): void {
    const run = this.run;
    if (!run) return; // not running: start() will load the trade from the database
    if (outcome.kind === 'rejected') {
      this.deps.store.saveStep(trade.id, { status: 'cancelled', notes: outcome.error.message }, {
        kind: 'state_transition', cause: 'broker', message: `trade ${trade.symbol} cancelled: entry rejected: ${outcome.error.message}`,
        data: { tradeId: trade.id, from: 'pending_entry', to: 'cancelled', reason: outcome.error.message },
      }, this.deps.clock.now()).then(
        () => this.events$.next({ type: 'cancelled', tradeId: trade.id, symbol: trade.symbol, reason: outcome.error.message }),
        (error: unknown) => this.warn(`trade ${trade.id}: recording the rejection failed`, error),
      );
      return;
    }
    const actor = this.actors.get(trade.id) ?? this.spawn(trade);
    if (outcome.kind === 'accepted') {
      actor.entryAccepted(outcome.order, this.deps.clock.now());
      // a fill may have reached the stream before we knew the order id: read it once by REST
      void run.router.refresh(actor);
      return;
    }
    const coid = outcome.clientOrderId;
    void resolveByClientOrderId(run.adapters.broker, this.deps.clock, coid, this.resolveOptions(run)).then((order) => {
      if (order) {
        actor.entryAccepted(order, this.deps.clock.now());
        void run.router.refresh(actor);
      } else {
        actor.entryFailed(`entry order never reached the broker (${outcome.error.message})`);
      }
    }, (error: unknown) => { if (!run.abort.signal.aborted) this.warn(`entry ${coid} could not be resolved`, error); });
  }

  async exitAll(reason: ExitReason): Promise<ExitAllReport> {
    const report: ExitAllReport = { exiting: [], failed: [] };
    const failed = new Map<string, string>();
    const sub = this.events$.subscribe((e) => { if (e.type === 'exit_failed') failed.set(e.tradeId, e.error); });
    const targets = [...this.actors.values()];
    for (const actor of targets) {
      const price = this.slots.lastPrice(actor.trade.symbol) ?? 0;
      actor.exit({ reason, price, detail: `${reason} of every position` });
    }
    await Promise.allSettled(targets.map((a) => a.idle()));
    sub.unsubscribe();
    for (const actor of targets) {
      const error = failed.get(actor.trade.id);
      if (error) report.failed.push({ tradeId: actor.trade.id, error });
      else if (actor.state === 'exiting' || actor.state === 'closed') report.exiting.push(actor.trade.id);
    }
    return report;
  }

  exitTrade(tradeId: string, reason: ExitReason, detail: string): boolean {
    const actor = this.run ? this.actors.get(tradeId) : undefined;
    if (!actor || (actor.state !== 'pending_entry' && actor.state !== 'open')) return false;
    actor.exit({ reason, price: this.slots.lastPrice(actor.trade.symbol) ?? 0, detail });
    return true;
  }

  private sessionClose(run: Run): SessionCloseScheduler {
    const tuning = this.deps.tuning ?? {};
    return new SessionCloseScheduler({
      broker: () => run.adapters.broker, clock: this.deps.clock, cron: tuning.cron, eodTime: run.eodTime, onError: this.warn,
      onForceCloseAt: (at) => {
        run.settings = { ...run.settings, forceCloseAt: at };
        for (const book of this.slots.books()) book.setSettings(run.settings);
        this.slots.retime();
        this.events$.next({ type: 'session_close_scheduled', forceCloseAt: at });
      },
      onForceClose: () => { void this.exitAll('force_close_eod'); },
    });
  }

  /** a new eodForceCloseTime: today's forced close is recomputed by a fresh scheduler */
  private rescheduleSessionClose(run: Run, eodTime: string): void {
    run.eodTime = eodTime;
    const old = run.session;
    run.session = this.sessionClose(run);
    void old.stop()
      .then(() => (this.run === run ? run.session.start() : undefined))
      .catch((error: unknown) => this.warn('session close: rescheduling failed', error));
  }
}

export function createPositionSupervisor(deps: PositionSupervisorDeps): PositionSupervisor & SupervisorProtection & { lastPrice(symbol: string): number | null } {
  return new Supervisor(deps);
}
