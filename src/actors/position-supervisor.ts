/**
 * createPositionSupervisor: one root position actor per live trade, kept in a Map (never spawned
 * children of one parent: that grows quadratically, docs/benchmarks.md §3), fed by
 *  - its symbol's exit DECISIONS: one shared price stream per symbol (price-feed.ts) evaluated by
 *    that symbol's SymbolBook in plain code (core/exits), so a tick never reaches an actor;
 *  - its orders' updates (fill-router.ts);
 *  - the clock: each symbol's time exits (max hold, session close) fire from a timer at its book's
 *    earliest deadline, print or no print (symbol-slots.ts).
 * Invariants:
 *  - start() is idempotent and crash-only: it loads live trades with their persisted peak and entry
 *    time, re-reads their working orders by REST, and finishes an exit a crash interrupted;
 *  - a symbol is watched while it has an armed position, released after the last one;
 *  - peaks are persisted at most once per `peakFlushMs` per trade, and always with the exit intent;
 *    a restored open position rebuilds its peak from the market's bars since its fill, in the
 *    background (peak-persistence.ts); livePeak() is the book's peak now, not the persisted one;
 *  - stop() leaves trades and broker positions as they are (the status shows them unattended);
 *  - applySettings() re-arms every book at once and re-evaluates it at its last price, so a
 *    tightened stop or a shorter max hold fires now; a change racing start() is not lost (a
 *    sequence number tells start() the config it read may be older than the latest applied);
 *  - ensureTracked() (the watchdog's repair) re-reads each trade and spawns only a live one with no
 *    actor, after any start in progress (start() spawns unconditionally, so the two never overlap).
 *  - applyReconciliation() (after every successful reconciliation) hands a corrected quantity to
 *    the trade's actor (queued behind its writes) and drops the actor of a trade reconciliation
 *    closed or marked missed; stuckExits() reads every exiting actor (core/safety/stuck-exits.ts).
 * The pieces that need none of the actors Map live beside it (symbol-slots, price-feed,
 * fill-router, session-close, exit-settings). Over 300 lines because what is left all reads the
 * actors Map (the gate, unrealized P&L and the watchdog's surface joined it later); the next
 * split is the protection surface (trackedTradeIds, ensureTracked, refresh*) into its own file.
 */
import { Subject, type SchedulerLike, type Subscription } from 'rxjs';
import type { ExitDecision, ExitSettings, PositionView } from '../core/exits/exit.types.js';
import { LIVE_TRADE_STATUSES, type ExitReason, type Trade } from '../domain/trade.js';
import type { SubmitOutcome } from '../ports/broker.port.js';
import { clockScheduler } from '../streams/clock-scheduler.js';
import { PriceFeed } from '../streams/price-feed.js';
import { GATE_CLOSED, tradeStreamGate, type StreamGate } from '../streams/operators/trade-stream-gate.js';
import { Decimal, ZERO } from '../domain/money.js';
import type { ReconcileFinding } from '../domain/reconciliation.js';
import { stuckExits, type ExitProgress, type StuckExit } from '../core/safety/stuck-exits.js';
import { resolveByClientOrderId } from './entry-resolver.js';
import { FillRouter } from './fill-router.js';
import { PositionActor } from './position.actor.js';
import type { PositionActorDeps } from './position-host.js';
import { PositionRuntime } from './position-runtime.js';
import { errorText } from '../lib/error-text.js';
import type { ArmedPosition, ExitAllReport, ExitRuleSettings, PositionEvent, PositionSupervisor, SupervisorProtection } from './position-supervisor.types.js';
import { rearmBooks, toExitSettings } from './exit-settings.js';
import { SessionCloseScheduler } from './session-close.scheduler.js';
import { SymbolSlots } from './symbol-slots.js';
import { flushPeaks, rebuildPeak, runPeakLoop } from './peak-persistence.js';
import type { PositionAdapters, PositionSupervisorDeps } from './position-supervisor.deps.js';

export type { PositionAdapters, PositionSupervisorDeps, PositionTuning } from './position-supervisor.deps.js';

interface Run {
  adapters: PositionAdapters;
  abort: AbortController;
  feed: PriceFeed;
  router: FillRouter;
  session: SessionCloseScheduler;
  settings: ExitSettings;
  eodTime: string;
  subs: Subscription[];
  /** the services every actor of this run shares */
  actorDeps: PositionActorDeps;
}

class Supervisor implements PositionSupervisor, SupervisorProtection {
  readonly events$ = new Subject<PositionEvent>();
  private readonly actors = new Map<string, PositionActor>();
  private readonly slots: SymbolSlots;
  private run: Run | null = null;
  private gate: StreamGate = GATE_CLOSED;
  private starting: Promise<void> | null = null;
  private readonly scheduler: SchedulerLike;
  private readonly warn: (message: string, error?: unknown) => void;
  /** bumped by every applySettings(): start() compares it to see whether its config read is stale */
  private settingsSeq = 0;
  private latestSettings: ExitRuleSettings | null = null;
  /** the one provided position machine, its keyed streams and its registry of actors */
  private readonly runtime: PositionRuntime;

  constructor(private readonly deps: PositionSupervisorDeps) {
    this.scheduler = deps.scheduler ?? clockScheduler(deps.clock);
    this.slots = new SymbolSlots(this.scheduler, (decision) => this.onDecision(decision));
    this.warn = deps.warn ?? (() => undefined);
    this.runtime = new PositionRuntime(deps.clock, deps.tuning?.exitRetryMs ?? 1_000);
  }

  get active(): boolean {
    return this.run !== null;
  }

  trackedCount(): number {
    return this.actors.size;
  }

  /** the trade stream's gate (stream-gap guard): closed while stopped */
  streamGate(): StreamGate {
    return this.run ? this.gate : GATE_CLOSED;
  }

  unrealizedPnl(): Decimal | null {
    let total = ZERO;
    for (const actor of this.actors.values()) {
      if (actor.state !== 'open' || !actor.trade.shares || !actor.trade.entryPrice) continue;
      // no tick yet since the open: the last known trade is the entry fill itself
      const last = this.slots.lastPrice(actor.trade.symbol);
      if (last !== null) total = total.plus(actor.trade.shares.times(new Decimal(last).minus(actor.trade.entryPrice)));
    }
    return total;
  }

  /** the symbol's last price seen by its book (watched symbols only); intake sizes with it */
  lastPrice(symbol: string): number | null {
    return this.slots.lastPrice(symbol);
  }

  livePeak(tradeId: string): number | null {
    const actor = this.actors.get(tradeId);
    if (!actor || actor.state !== 'open') return null;
    return Math.max(actor.view.peakPrice, this.slots.peakOf(actor.view) ?? 0);
  }

  armedPositions(): ArmedPosition[] {
    return [...this.actors.values()].map((actor) => ({
      tradeId: actor.trade.id, state: actor.state, lastTick: this.slots.lastTick(actor.trade.symbol),
      levels: actor.state === 'open' ? this.slots.levelsOf(actor.view) : null, trade: actor.trade,
    }));
  }

  trackedTradeIds(): string[] {
    return [...this.actors.keys()];
  }

  lastPriceAt(symbol: string): number | null {
    return this.run?.feed.freshAt(symbol) ?? null;
  }

  refreshPrices(symbols: readonly string[]): Promise<void> {
    return this.run?.feed.refresh(symbols) ?? Promise.resolve();
  }

  stuckExits(): StuckExit[] {
    const progress: ExitProgress[] = [];
    for (const actor of this.actors.values()) {
      const p = actor.exitProgress();
      if (p) progress.push(p);
    }
    return stuckExits(progress, this.deps.clock.now());
  }

  applyReconciliation(findings: readonly ReconcileFinding[]): void {
    for (const f of findings) {
      const actor = 'tradeId' in f ? this.actors.get(f.tradeId) : undefined;
      if (!actor) continue;
      if (f.kind === 'quantity_mismatch') actor.correctShares(f.brokerShares);
      else if (f.kind === 'closed_at_broker' || f.kind === 'missing_at_broker') this.untrack(actor);
    }
  }

  async refreshWorkingOrders(): Promise<void> {
    const router = this.run?.router;
    if (router) await Promise.all([...this.actors.values()].map((actor) => router.refresh(actor)));
  }

  async ensureTracked(tradeIds: readonly string[]): Promise<string[]> {
    await this.starting?.catch(() => undefined);
    const run = this.run;
    const wanted = tradeIds.filter((id) => !this.actors.has(id));
    if (!run || wanted.length === 0) return [];
    const trades = await Promise.all(wanted.map((id) => this.deps.store.getTrade(id)));
    if (this.run !== run) return []; // stopped (or restarted: that start loaded them) meanwhile
    const adopted = trades
      .filter((t): t is Trade => t !== null && LIVE_TRADE_STATUSES.includes(t.status) && !this.actors.has(t.id))
      .map((trade) => this.spawn(trade));
    await Promise.all(adopted.map(async (actor) => {
      await run.router.refresh(actor);
      actor.resume();
      this.rebuildPeak(run, actor);
    }));
    return adopted.map((actor) => actor.trade.id);
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
      adapters, feed, router, abort: new AbortController(), settings: toExitSettings(rules, null), eodTime: rules.eodForceCloseTime, subs: [],
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
    const { armed, decisions } = rearmBooks(this.slots.books(), run.settings, this.scheduler.now());
    this.slots.retime();
    if (settings.eodForceCloseTime !== run.eodTime) this.rescheduleSessionClose(run, settings.eodForceCloseTime);
    this.events$.next({ type: 'settings_applied', settings, armed, exits: decisions.length });
    for (const decision of decisions) this.onDecision(decision);
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

  private spawn(trade: Trade): PositionActor {
    const actor = new PositionActor(trade, this.run!.actorDeps, this.runtime, this.deps.inspect);
    this.actors.set(trade.id, actor);
    actor.start();
    this.events$.next({ type: 'tracked', tradeId: trade.id, symbol: trade.symbol, status: trade.status });
    return actor;
  }

  private actorDeps(run: Run): PositionActorDeps {
    return {
      store: this.deps.store, broker: run.adapters.broker, clock: this.deps.clock,
      emit: (event) => this.events$.next(event),
      arm: (view) => this.arm(view),
      disarm: (view) => this.disarm(view),
      route: (tradeId, key) => run.router.route(key, tradeId),
      finished: (host) => { const actor = this.actors.get(host.trade.id); if (actor === host) this.untrack(actor); },
      failed: (tradeId, step, error) => this.warn(`trade ${tradeId} (${this.actors.get(tradeId)?.trade.symbol ?? '?'}): ${step} failed: ${errorText(error)}`, error),
      resolve: this.resolveOptions(run),
    };
  }

  private resolveOptions(run: Run) {
    const t = this.deps.tuning ?? {};
    return { baseMs: t.resolveBaseMs ?? 1_000, maxMs: t.resolveMaxMs ?? 30_000, signal: run.abort.signal };
  }

  private untrack(actor: PositionActor): void {
    if (this.actors.get(actor.trade.id) !== actor) return;
    this.actors.delete(actor.trade.id);
    this.run?.router.forget(actor.trade.id);
    actor.stop();
    this.events$.next({ type: 'untracked', tradeId: actor.trade.id });
  }

  private arm(view: PositionView): void {
    const run = this.run;
    if (run) this.slots.arm(view, run.settings, (symbol) => run.feed.watch(symbol));
  }

  private disarm(view: PositionView): void {
    this.slots.disarm(view);
  }

  private onDecision(decision: ExitDecision): void {
    const actor = this.actors.get(decision.tradeId);
    if (!actor) return;
    if (decision.price > actor.view.peakPrice) actor.view.peakPrice = decision.price;
    this.runtime.decisions.next(decision.tradeId, decision);
  }

  /** a restored open position: its peak from the market's record since the fill (in the background) */
  private rebuildPeak(run: Run, actor: PositionActor): void {
    if (actor.state !== 'open') return;
    const open = () => this.run === run && this.actors.get(actor.trade.id) === actor && actor.state === 'open';
    void rebuildPeak(actor.view, {
      marketData: run.adapters.marketData, clock: this.deps.clock, signal: run.abort.signal, open, warn: this.warn,
      journal: (entry) => this.deps.store.appendJournal(entry, this.deps.clock.now()),
      raise: (high) => {
        const live = this.livePeak(actor.trade.id);
        if (live === null || !(high > live)) return false;
        actor.view.peakPrice = high;
        actor.flushPeak();
        this.slots.raisePeak(actor.view, high);
        return true;
      },
    });
  }

  private flushPeaks(): void {
    flushPeaks(this.slots.books(), (tradeId) => this.actors.get(tradeId));
  }
}

export function createPositionSupervisor(deps: PositionSupervisorDeps): PositionSupervisor & SupervisorProtection & { lastPrice(symbol: string): number | null } {
  return new Supervisor(deps);
}
