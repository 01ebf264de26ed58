/**
 * The tracked positions of a position supervisor: one root position actor per live trade in a Map
 * (never spawned children of one parent: that grows quadratically, docs/benchmarks.md §3), the
 * per-symbol books they are armed in, and everything that reads or repairs them (the gate, P&L,
 * peaks, the watchdog's protection surface). The lifecycle that fills it (start, stop, settings,
 * entries, exit all) is position-supervisor.ts.
 * Invariants:
 *  - ensureTracked() (the watchdog's repair) re-reads each trade and spawns only a live one with no
 *    actor, after any start in progress (start() spawns unconditionally, so the two never overlap);
 *  - applyReconciliation() (after every successful reconciliation) hands a corrected quantity to
 *    the trade's actor (queued behind its writes) and drops the actor of a trade reconciliation
 *    closed or marked missed; stuckExits() reads every exiting actor (core/safety/stuck-exits.ts);
 *  - an exit decision reaches its actor through the runtime's keyed decisions stream (one Map
 *    lookup); a tick never reaches an actor;
 *  - a restored open position rebuilds its peak from the market's bars since its fill, in the
 *    background (peak-persistence.ts); livePeak() is the book's peak now, not the persisted one.
 */
import { Subject, type SchedulerLike, type Subscription } from 'rxjs';
import type { ExitDecision, ExitSettings, PositionView } from '../core/exits/exit.types.js';
import { stuckExits, type ExitProgress, type StuckExit } from '../core/safety/stuck-exits.js';
import { mergeSettings } from '../core/exits/book-exit.js';
import { stopLevelOf } from '../core/exits/thresholds.js';
import type { BrokerStopMode } from '../domain/bot-config.js';
import { Decimal, ZERO } from '../domain/money.js';
import type { ReconcileFinding } from '../domain/reconciliation.js';
import { LIVE_TRADE_STATUSES, type Trade } from '../domain/trade.js';
import { errorText } from '../lib/error-text.js';
import { clockScheduler } from '../streams/clock-scheduler.js';
import { GATE_CLOSED, type StreamGate } from '../streams/operators/trade-stream-gate.js';
import type { PriceFeed } from '../streams/price-feed.js';
import type { FillRouter } from './fill-router.js';
import { flushPeaks, rebuildPeak } from './peak-persistence.js';
import { PositionActor } from './position.actor.js';
import type { PositionActorDeps } from './position-host.js';
import { PositionRuntime } from './position-runtime.js';
import type { PositionAdapters, PositionSupervisorDeps } from './position-supervisor.deps.js';
import type { ArmedPosition, PositionEvent, SupervisorProtection } from './position-supervisor.types.js';
import type { SessionCloseScheduler } from './session-close.scheduler.js';
import { SymbolSlots } from './symbol-slots.js';

/** one start()..stop() of the supervisor */
export interface Run {
  adapters: PositionAdapters;
  abort: AbortController;
  feed: PriceFeed;
  router: FillRouter;
  session: SessionCloseScheduler;
  settings: ExitSettings;
  /** the protective stop's mode now (bot_config.broker_stop_mode) */
  stopMode: BrokerStopMode;
  eodTime: string;
  subs: Subscription[];
  /** the services every actor of this run shares */
  actorDeps: PositionActorDeps;
}

export abstract class TrackedPositions implements SupervisorProtection {
  readonly events$ = new Subject<PositionEvent>();
  protected readonly actors = new Map<string, PositionActor>();
  protected readonly slots: SymbolSlots;
  protected run: Run | null = null;
  protected gate: StreamGate = GATE_CLOSED;
  protected starting: Promise<void> | null = null;
  protected readonly scheduler: SchedulerLike;
  protected readonly warn: (message: string, error?: unknown) => void;
  /** the one provided position machine, its keyed streams and its registry of actors */
  protected readonly runtime: PositionRuntime;

  constructor(protected readonly deps: PositionSupervisorDeps) {
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
      levels: actor.state === 'open' ? this.slots.levelsOf(actor.view) : null, trade: actor.trade, stop: actor.stopState(),
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

  verifyStops(openOrderIds: ReadonlySet<string>): string[] {
    if (!this.run) return [];
    const told: string[] = [];
    for (const actor of this.actors.values()) {
      const stopId = actor.liveStopId();
      if (stopId !== null && !openOrderIds.has(stopId)) {
        actor.stopChanged();
        told.push(actor.trade.id);
      }
    }
    return told;
  }

  brokerProtected(): ReadonlySet<string> {
    const ids = new Set<string>();
    for (const actor of this.actors.values()) if (actor.liveStopId() !== null) ids.add(actor.trade.id);
    return ids;
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

  protected spawn(trade: Trade): PositionActor {
    const actor = new PositionActor(trade, this.run!.actorDeps, this.runtime, this.deps.inspect);
    this.actors.set(trade.id, actor);
    actor.start();
    this.events$.next({ type: 'tracked', tradeId: trade.id, symbol: trade.symbol, status: trade.status });
    return actor;
  }

  protected actorDeps(run: Run): PositionActorDeps {
    return {
      store: this.deps.store, broker: run.adapters.broker, clock: this.deps.clock,
      emit: (event) => this.events$.next(event),
      arm: (view) => this.arm(view),
      disarm: (view) => this.disarm(view),
      rearm: (view) => { if (this.slots.settingsOf(view)) this.arm(view); },
      route: (tradeId, key) => run.router.route(key, tradeId),
      stopPolicy: (tradeId) => {
        const actor = this.actors.get(tradeId);
        if (!actor || !(actor.view.entryPrice > 0)) return { mode: run.stopMode, level: null };
        // the book's settings for the position (its own plan merged in); before it is armed, the same merge
        const settings = this.slots.settingsOf(actor.view) ?? (actor.view.overrides ? mergeSettings(run.settings, actor.view.overrides) : run.settings);
        return { mode: run.stopMode, level: stopLevelOf(actor.view.entryPrice, settings) };
      },
      finished: (host) => { const actor = this.actors.get(host.trade.id); if (actor === host) this.untrack(actor); },
      failed: (tradeId, step, error) => this.warn(`trade ${tradeId} (${this.actors.get(tradeId)?.trade.symbol ?? '?'}): ${step} failed: ${errorText(error)}`, error),
      resolve: this.resolveOptions(run),
    };
  }

  protected resolveOptions(run: Run) {
    const t = this.deps.tuning ?? {};
    return { baseMs: t.resolveBaseMs ?? 1_000, maxMs: t.resolveMaxMs ?? 30_000, signal: run.abort.signal };
  }

  protected untrack(actor: PositionActor): void {
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

  protected onDecision(decision: ExitDecision): void {
    const actor = this.actors.get(decision.tradeId);
    if (!actor) return;
    if (decision.price > actor.view.peakPrice) actor.view.peakPrice = decision.price;
    this.runtime.decisions.next(decision.tradeId, decision);
  }

  /** a restored open position: its peak from the market's record since the fill (in the background) */
  protected rebuildPeak(run: Run, actor: PositionActor): void {
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

  protected flushPeaks(): void {
    flushPeaks(this.slots.books(), (tradeId) => this.actors.get(tradeId));
  }
}
