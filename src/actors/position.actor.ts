/**
 * One live trade: the position machine (a ROOT actor created from the runtime's one provided
 * machine) and what cannot be the machine's data — the row, its fills, its queue. The lifecycle
 * (entry, exit, retries, giving up, the restore's path) is the machine's (position.machine.ts); its
 * effects are exit-steps.ts and the record* methods here, found by trade id (position-runtime.ts).
 * Invariants:
 *  - the trade's writes and broker steps run one at a time in arrival order on its queue, so the row
 *    is never written out of order; events$ reports a step only after it is persisted;
 *  - fills are cumulative (order.filledQty), so a repeated or replayed update changes nothing;
 *  - after a partial entry fill the broker's position is the truth for shares and average price;
 *  - a RESTORED trade's shares are the row's: reconciliation squared them with the broker's position
 *    before any actor was built, so re-reading its (long filled) entry order must not write the
 *    order's filled quantity back over a correction; only entry fills that arrive after the restore
 *    move the shares, and then the broker's position is the truth;
 *  - the exit's stem is on the row from the open (recordEntry), so the exit's sell can go out
 *    before the 'exiting' record.
 */
import { createActor, type Actor } from 'xstate';
import type { PositionView } from '../core/exits/exit.types.js';
import { positionOverrides } from '../core/exits/exit-plan.js';
import type { ExitProgress } from '../core/safety/stuck-exits.js';
import type { JournalInput } from '../domain/journal.js';
import { Decimal, ZERO } from '../domain/money.js';
import { isTerminalStatus, type Order } from '../domain/order.js';
import type { ExitReason, Trade, TradePatch } from '../domain/trade.js';
import type { EpochMs } from '../domain/time.js';
import { SerialQueue } from '../lib/serial-queue.js';
import type { ExitIntent, PositionMachine, PositionMachineEvent, PositionState } from '../machines/position.machine.js';
import type { InspectionObserver } from '../ports/inspection.port.js';
import { cancelOwnOpenOrders, ExitFills, exitClientOrderId } from './exit-executor.js';
import type { PositionActorDeps, PositionHost } from './position-host.js';
import type { BrokerStopState } from './position-supervisor.types.js';
import { restoredExit } from './position-restore.js';
import { recordBracketLegs } from './protective-stop-steps.js';
import { targetLegSeen } from './bracket-target.js';
import type { PositionRuntime } from './position-runtime.js';
import { StopTracking, stopStateOf } from './stop-tracking.js';

export type { PositionActorDeps } from './position-host.js';

export class PositionActor implements PositionHost {
  readonly view: PositionView;
  readonly queue = new SerialQueue();
  readonly exitFills = new ExitFills();
  readonly stops = new StopTracking();
  adopted: Order | null = null;
  persistedPeak: number;
  private readonly actor: Actor<PositionMachine>;
  private entryFilled: Decimal;
  private entryAvg: Decimal | null;
  private entryDone = false;
  private entryStatus = '';
  /** built from a row in this status (a restart, a re-adoption); null: built from its entry */
  private readonly restored: 'open' | 'exiting' | null;
  /** a restored trade's entry order has been read once (that read sets the baseline, it is not a fill) */
  private entrySeen = false;
  private exitAt: EpochMs = 0;

  constructor(public trade: Trade, readonly deps: PositionActorDeps, private readonly runtime: PositionRuntime, inspect?: InspectionObserver) {
    const entry = trade.entryPrice?.toNumber() ?? 0;
    const peak = Math.max(trade.peakPrice?.toNumber() ?? 0, entry);
    this.view = { tradeId: trade.id, symbol: trade.symbol, entryPrice: entry, entryAt: trade.entryAt ?? 0, peakPrice: peak, overrides: positionOverrides(trade.exitPlan, trade.targetOrderId !== null) };
    this.persistedPeak = peak;
    this.entryFilled = trade.status === 'pending_entry' ? ZERO : (trade.shares ?? ZERO);
    this.entryAvg = trade.entryPrice;
    this.restored = trade.status === 'open' || trade.status === 'exiting' ? trade.status : null;
    const { attempt, intent } = restoredExit(trade);
    runtime.register(trade.id, this);
    this.actor = createActor(runtime.machine, {
      id: `position:${trade.id}`, clock: runtime.clock,
      input: {
        tradeId: trade.id, symbol: trade.symbol, restored: this.restored, attempt, intent, since: trade.updatedAt,
        unsentExit: trade.exitClientOrderId !== null && trade.exitOrderId === null,
      },
    });
    // on the actor's system before it starts (so its first snapshot is seen), not as the `inspect`
    // option: XState wraps an option's observer twice, this once (docs/benchmarks.md, B3)
    if (inspect) this.actor.system.inspect(inspect);
  }

  /** the top-level state: pending_entry | open | exiting | closed | cancelled */
  get state(): PositionState {
    const value = this.actor.getSnapshot().value;
    return (typeof value === 'string' ? value : Object.keys(value)[0]) as PositionState;
  }

  start(): this {
    const t = this.trade;
    for (const key of [t.entryOrderId, t.entryClientOrderId, t.exitOrderId, t.exitClientOrderId, t.stopOrderId, t.stopClientOrderId, t.targetOrderId]) if (key) this.deps.route(t.id, key);
    this.actor.start();
    return this;
  }

  stop(): void {
    this.actor.stop();
    this.deps.disarm(this.view);
    this.runtime.unregister(this.trade.id, this);
  }

  /** resolves when every queued step has run and no state has work in flight (a retry's wait included) */
  async idle(): Promise<void> {
    for (;;) {
      await this.queue.idle();
      const snapshot = this.actor.getSnapshot();
      if (snapshot.status !== 'active' || !snapshot.hasTag('busy')) return;
      await new Promise<void>((resolve) => {
        const sub = this.actor.subscribe({ next: () => { sub.unsubscribe(); resolve(); }, complete: resolve, error: () => resolve() });
      });
    }
  }

  /** an exit decided outside the symbol's book (kill switch, manual): through the decisions stream */
  exit(d: ExitIntent & { at?: EpochMs }): void {
    this.runtime.decisions.next(this.trade.id, { reason: d.reason, price: d.price, detail: d.detail, at: d.at ?? this.deps.clock.now() });
  }

  /** the orders of this trade that may still change (refreshed by REST after a gap or a restart) */
  liveOrders(): { ids: string[]; exitClientOrderId: string | null } {
    const ids: string[] = [];
    if (this.trade.entryOrderId && !this.entryDone) ids.push(this.trade.entryOrderId);
    ids.push(...this.exitFills.workingIds());
    if (this.trade.exitOrderId && !this.exitFills.has(this.trade.exitOrderId)) ids.push(this.trade.exitOrderId);
    ids.push(...this.stops.liveIds(this.trade).filter((id) => !this.exitFills.has(id)));
    return { ids, exitClientOrderId: this.state === 'exiting' && !this.trade.exitOrderId ? this.trade.exitClientOrderId : null };
  }

  /** an order of this trade changed: delivered through the orders stream like the router's updates */
  deliver(order: Order, at: EpochMs): void { this.runtime.orders.next(this.trade.id, { order, at }); }

  /** the entry POST came back (entrySubmitted, or a client-order-id lookup after an unknown outcome) */
  entryAccepted(order: Order, at: EpochMs): void { this.deliver(order, at); }
  entryFailed(reason: string): void { this.actor.send({ type: 'ENTRY_ENDED', reason }); }

  /** a restored exiting trade's orders were re-read: the machine finishes what a crash interrupted */
  resume(): void { this.actor.send({ type: 'RESUME' }); }

  /** the protective stop's order id while the machine holds the position protected by it, else null */
  liveStopId(): string | null {
    return this.stopState()?.state === 'protected' ? this.trade.stopOrderId : null;
  }

  /** the protective stop region's state while open; null otherwise */
  stopState(): { state: BrokerStopState; why: string | null } | null {
    return stopStateOf(this.actor.getSnapshot());
  }

  /** what the protective stop depends on may have changed (settings, shares, a health check) */
  stopChanged(): void { this.actor.send({ type: 'STOP_CHANGED' }); }

  /** persists the peak if it rose since the last write (called on a throttle by the supervisor) */
  flushPeak(): void {
    if (this.state !== 'open' || this.view.peakPrice <= this.persistedPeak) return;
    const peak = this.view.peakPrice;
    this.persistedPeak = peak;
    this.enqueue('peak', async () => { this.trade = await this.deps.store.saveStep(this.trade.id, { peakPrice: new Decimal(peak) }, null, this.deps.clock.now()); });
  }

  /** the exit as the stuck-exit rule reads it; null unless exiting */
  exitProgress(): ExitProgress | null {
    if (this.state !== 'exiting') return null;
    const { since, gaveUp } = this.actor.getSnapshot().context;
    return { tradeId: this.trade.id, symbol: this.trade.symbol, since, gaveUp };
  }

  /** the machine's data now (the inspector's and the tests' view) */
  snapshot() {
    return this.actor.getSnapshot();
  }

  /** reconciliation took the broker's quantity for this trade (the row already says so) */
  correctShares(shares: Decimal): void {
    // queued: a write already in flight returns the row as it was before the correction
    this.enqueue('quantity correction', async () => { this.trade = { ...this.trade, shares }; });
    this.stopChanged();
  }

  heldShares(): Decimal { return this.trade.shares ?? this.entryFilled; }
  unsoldShares(): Decimal { return Decimal.max(ZERO, this.heldShares().minus(this.exitFills.sold())); }
  workingEntryId(): string | null { return this.trade.entryOrderId && !this.entryDone ? this.trade.entryOrderId : null; }

  /** what an update of one of this trade's orders means to its machine (null: nothing new) */
  classify(order: Order, at: EpochMs): PositionMachineEvent | null {
    const t = this.trade;
    if (order.id === t.entryOrderId || order.clientOrderId === t.entryClientOrderId) return this.onEntryOrder(order, at);
    if (this.stops.isStop(t, order)) {
      targetLegSeen(this, order);
      return this.stops.classify(t, order, at, { state: this.state, held: this.heldShares(), fills: this.exitFills, exitAt: (when) => { this.exitAt = when; } });
    }
    if (order.side !== 'sell' || !this.exitFills.update(order)) return null;
    const sold = this.exitFills.sold();
    if (sold.gte(this.trade.shares ?? this.entryFilled) && sold.gt(0)) {
      this.exitAt = order.filledAt ?? at;
      return { type: 'EXIT_FILLED' };
    }
    // the sell ended short of the position (rejected, canceled, expired): sell the rest
    return { type: 'EXIT_SHORT', why: `exit order ${order.statusRaw}` };
  }

  private onEntryOrder(order: Order, at: EpochMs): PositionMachineEvent | null {
    if (order.legs && !this.trade.targetOrderId && !this.trade.stopOrderId) recordBracketLegs(this, order);
    if (!this.trade.entryOrderId) {
      this.trade.entryOrderId = order.id;
      this.deps.route(this.trade.id, order.id);
      this.enqueue('entry order id', async () => {
        this.trade = await this.deps.store.saveStep(this.trade.id, { entryOrderId: order.id }, {
          kind: 'order_outcome', cause: 'broker', message: `entry order ${order.clientOrderId} accepted as ${order.id}`, data: { orderId: order.id, clientOrderId: order.clientOrderId },
        }, this.deps.clock.now());
      });
    }
    const terminal = isTerminalStatus(order.status);
    const wasDone = this.entryDone;
    this.entryDone = terminal;
    this.entryStatus = order.status;
    if (this.restored && !this.entrySeen) {
      // what the order had filled is already in the row (as reconciliation corrected it)
      this.entrySeen = true;
      this.entryFilled = order.filledQty;
      return null;
    }
    if (order.filledQty.gt(this.entryFilled) || (terminal && !wasDone && order.filledQty.gt(0))) {
      this.entryFilled = order.filledQty;
      this.entryAvg = order.filledAvgPrice ?? this.entryAvg;
      if (this.view.entryAt === 0) this.view.entryAt = at;
      return { type: 'ENTRY_FILLED', done: terminal };
    }
    if (terminal && !wasDone && order.filledQty.isZero()) return { type: 'ENTRY_ENDED', reason: `entry order ${order.statusRaw}` };
    return null;
  }

  recordEntry(): void {
    // a restored row may carry a corrected quantity the order knows nothing of: ask the position
    const fullyFilled = this.entryStatus === 'filled' && !this.restored;
    this.enqueue('entry fill', async () => {
      let shares = this.entryFilled;
      let price = this.entryAvg ?? ZERO;
      if (!fullyFilled) {
        // after a partial fill the position endpoint is the truth (docs/alpaca.md §3.2)
        const position = await this.deps.broker.getPosition(this.trade.symbol).catch(() => null);
        if (position && position.qty.gt(0)) { shares = position.qty; price = position.avgEntryPrice; }
      }
      const first = this.trade.status === 'pending_entry';
      const entryAt = this.trade.entryAt ?? this.view.entryAt ?? this.deps.clock.now();
      const peak = Math.max(this.view.peakPrice, price.toNumber());
      const patch: TradePatch = { shares, entryPrice: price, entryAt, peakPrice: new Decimal(peak), ...(first ? { status: 'open' } : {}) };
      // the first exit's client order id, persisted now so the exit can send before it writes
      if (!this.trade.exitClientOrderId) patch.exitClientOrderId = exitClientOrderId(this.trade, 1);
      this.trade = await this.deps.store.saveStep(this.trade.id, patch, {
        kind: 'trade_update', cause: 'broker', message: `entry ${this.entryDone ? 'filled' : 'partially filled'}: ${shares.toFixed()} ${this.trade.symbol} @ ${price.toFixed()}`,
        data: { tradeId: this.trade.id, shares: shares.toFixed(), entryPrice: price.toFixed(), done: this.entryDone },
      }, this.deps.clock.now());
      // the peak may have risen while the row was written (a tick, a peak rebuilt after a restart)
      Object.assign(this.view, { entryPrice: price.toNumber(), entryAt, peakPrice: Math.max(this.view.peakPrice, peak) });
      this.persistedPeak = peak;
      if (this.state === 'open') this.deps.arm(this.view);
      if (first) this.deps.emit({ type: 'opened', tradeId: this.trade.id, symbol: this.trade.symbol, shares: shares.toFixed(), entryPrice: price.toFixed() });
    });
  }

  recordCancelled(reason: string): void {
    this.enqueue('cancelled', async () => {
      this.trade = await this.deps.store.saveStep(this.trade.id, { status: 'cancelled', notes: reason }, {
        kind: 'state_transition', cause: 'broker', message: `trade ${this.trade.symbol} cancelled: ${reason}`, data: { tradeId: this.trade.id, from: 'pending_entry', to: 'cancelled', reason },
      }, this.deps.clock.now());
      this.deps.emit({ type: 'cancelled', tradeId: this.trade.id, symbol: this.trade.symbol, reason });
      this.deps.finished(this);
    });
  }

  cancelEntry(): void {
    this.enqueue('cancel entry', () => cancelOwnOpenOrders(this.deps.broker, this.trade.entryOrderId ? [this.trade.entryOrderId] : []));
  }

  recordClosed(intended: ExitReason | null): void {
    this.enqueue('close', async () => {
      const qty = this.exitFills.sold();
      const price = this.exitFills.averagePrice();
      // everything sold was sold by orders at the broker (a stop, a bracket leg: it raced Keel's own
      // exit): they closed it, and the row names the one that sold
      const byBroker = this.stops.soldByBroker();
      const byThem = byBroker.reason !== null && byBroker.qty.gte(qty);
      const reason: ExitReason = byThem ? byBroker.reason! : intended ?? this.trade.exitReason ?? 'manual';
      if (byThem && byBroker.orderId && this.trade.exitOrderId !== byBroker.orderId) {
        this.trade = await this.deps.store.saveStep(this.trade.id, { exitOrderId: byBroker.orderId }, null, this.deps.clock.now());
      }
      this.trade = await this.deps.store.close(this.trade, { price, shares: qty, at: this.exitAt || this.deps.clock.now(), reason }, this.deps.clock.now());
      this.deps.emit({ type: 'closed', tradeId: this.trade.id, symbol: this.trade.symbol, reason, exitPrice: price.toFixed(), pnl: this.trade.pnl?.toFixed() ?? '0' });
      this.deps.finished(this);
    });
  }

  journal(entry: JournalInput): void {
    this.enqueue('journal', () => this.deps.store.appendJournal({ subject: this.trade.id, ...entry }, this.deps.clock.now()));
  }

  enqueue(step: string, work: () => Promise<unknown>): void {
    this.queue.run(work).catch((error: unknown) => {
      if (!this.deps.resolve.signal?.aborted) this.deps.failed(this.trade.id, step, error);
    });
  }
}
