/**
 * One live trade: the position machine (a ROOT actor, created with createActor) plus the effects
 * it names, fed with the trade's order updates and the exit DECISIONS of its symbol.
 * Invariants:
 *  - effects run one at a time in arrival order on the trade's own queue, so the row is never
 *    written out of order; events$ reports a step only after it is persisted;
 *  - fills are cumulative (order.filledQty), so a repeated or replayed update changes nothing;
 *  - after a partial entry fill the broker's position is the truth for shares and average price;
 *  - a RESTORED trade's shares are the row's: reconciliation squared them with the broker's position
 *    before any actor was built, so re-reading its (long filled) entry order must not write the
 *    order's filled quantity back over a correction; only entry fills that arrive after the restore
 *    move the shares, and then the broker's position is the truth;
 *  - the exit's stem is on the row from the open (recordEntry), so the exit's sell can go out
 *    before the 'exiting' record; the exit itself, its retries and how it gives up (reported by
 *    exitProgress().gaveUp) are exit-attempts.ts, run on this trade's queue; what a restored trade
 *    learns of an exit begun before it was rebuilt is position-restore.ts; a restored open trade
 *    looks for a sell sent before the crash BEFORE it is armed, so no exit can send beside it.
 */
import { createActor, type Actor } from 'xstate';
import type { PositionView } from '../core/exits/exit.types.js';
import type { ExitProgress } from '../core/safety/stuck-exits.js';
import type { JournalInput } from '../domain/journal.js';
import { Decimal, ZERO } from '../domain/money.js';
import { isTerminalStatus, type Order } from '../domain/order.js';
import type { ExitReason, Trade, TradePatch } from '../domain/trade.js';
import type { EpochMs } from '../domain/time.js';
import type { InspectionObserver } from '../ports/inspection.port.js';
import { positionMachine, restoredSnapshot, type PositionEffects } from '../machines/position.machine.js';
import { ExitAttempts, type ExitAttemptDeps, type ExitHost, type ExitIntent } from './exit-attempts.js';
import { cancelOwnOpenOrders, ExitFills, exitClientOrderId } from './exit-executor.js';
import { journaledExit, restoredExit, sentExit } from './position-restore.js';

export interface PositionActorDeps extends ExitAttemptDeps {
  /** start / stop evaluating the exit rules of this position on its symbol's prices */
  arm(view: PositionView): void;
  disarm(view: PositionView): void;
  /** the trade reached closed or cancelled */
  finished(): void;
  /** the inspector's observer, handed to createActor */
  inspect?: InspectionObserver;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The PositionEffects methods are called by the machine's actions only. */
export class PositionActor implements PositionEffects, ExitHost {
  readonly view: PositionView;
  private readonly actor: Actor<typeof positionMachine>;
  private queue: Promise<void> = Promise.resolve();
  private entryFilled: Decimal;
  private entryAvg: Decimal | null;
  private entryDone = false;
  private entryStatus = '';
  /** the status of the row it was built from (a restart, a re-adoption); null: built from its entry */
  private readonly restored: 'open' | 'exiting' | null;
  /** a restored trade's entry order has been read once (that read sets the baseline, it is not a fill) */
  private entrySeen = false;
  private readonly exitFills = new ExitFills();
  private readonly exits: ExitAttempts;
  private intent: ExitIntent | null;
  private persistedPeak: number;
  private exitAt: EpochMs = 0;
  /** when the exit began (a restored exiting trade: its row's last write) */
  private exitSince: EpochMs;

  constructor(public trade: Trade, private readonly deps: PositionActorDeps) {
    const entry = trade.entryPrice?.toNumber() ?? 0;
    const peak = Math.max(trade.peakPrice?.toNumber() ?? 0, entry);
    this.view = { tradeId: trade.id, symbol: trade.symbol, entryPrice: entry, entryAt: trade.entryAt ?? 0, peakPrice: peak };
    this.persistedPeak = peak;
    this.entryFilled = trade.status === 'pending_entry' ? ZERO : (trade.shares ?? ZERO);
    this.entryAvg = trade.entryPrice;
    const { attempt, intent } = restoredExit(trade);
    this.intent = intent;
    this.exits = new ExitAttempts(this, this.exitFills, deps, attempt);
    const status = trade.status === 'open' || trade.status === 'exiting' ? trade.status : 'pending_entry';
    this.restored = status === 'pending_entry' ? null : status;
    this.exitSince = trade.updatedAt;
    const input = { effects: this as PositionEffects };
    const options = { input, id: `position:${trade.id}`, ...(deps.inspect ? { inspect: deps.inspect } : {}) };
    this.actor = createActor(positionMachine, status === 'pending_entry' ? options : { ...options, snapshot: restoredSnapshot(status, input) });
  }

  get state(): string { return String(this.actor.getSnapshot().value); }

  start(): this {
    this.actor.start();
    for (const key of [this.trade.entryOrderId, this.trade.entryClientOrderId, this.trade.exitOrderId, this.trade.exitClientOrderId]) if (key) this.deps.route(key);
    // before arming: a rule due at once (a max hold that passed while Keel was down) queues behind it
    if (this.restored && this.state === 'open' && this.trade.exitClientOrderId && !this.trade.exitOrderId) this.findSentExit();
    if (this.state === 'open') this.deps.arm(this.view);
    return this;
  }

  /** a sell sent before a crash is found by its stem and adopted, never re-sent; its rule wins */
  private findSentExit(): void {
    const t = this.trade;
    this.enqueue('resume open', async () => {
      const sent = await sentExit(this.deps, t, t.exitClientOrderId!);
      if (!sent) return;
      this.exits.adopt(sent.order);
      if (this.state === 'open') this.exit(sent.intent);
      else this.intent = sent.intent;
    });
  }

  stop(): void {
    this.actor.stop();
    this.deps.disarm(this.view);
  }

  /** resolves when every queued effect has run */
  idle(): Promise<void> { return this.queue; }

  exit(d: ExitIntent): void { this.actor.send({ type: 'EXIT', reason: d.reason, price: d.price, detail: d.detail }); }

  /** the orders of this trade that may still change (refreshed by REST after a gap or a restart) */
  liveOrders(): { ids: string[]; exitClientOrderId: string | null } {
    const ids: string[] = [];
    if (this.trade.entryOrderId && !this.entryDone) ids.push(this.trade.entryOrderId);
    ids.push(...this.exitFills.workingIds());
    if (this.trade.exitOrderId && !this.exitFills.has(this.trade.exitOrderId)) ids.push(this.trade.exitOrderId);
    return { ids, exitClientOrderId: this.state === 'exiting' && !this.trade.exitOrderId ? this.trade.exitClientOrderId : null };
  }

  /** an order of this trade changed (stream update or REST refresh); idempotent */
  onOrder(order: Order, at: EpochMs): void {
    const t = this.trade;
    if (order.id === t.entryOrderId || order.clientOrderId === t.entryClientOrderId) this.onEntryOrder(order, at);
    else if (order.side === 'sell') this.onExitOrder(order, at);
  }

  /** the entry POST came back (entrySubmitted, or a client-order-id lookup after an unknown outcome) */
  entryAccepted(order: Order, at: EpochMs): void {
    this.onEntryOrder(order, at);
  }

  entryFailed(reason: string): void {
    this.actor.send({ type: 'ENTRY_ENDED', reason });
  }

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
    return { tradeId: this.trade.id, symbol: this.trade.symbol, since: this.exitSince, gaveUp: this.exits.gaveUp };
  }

  /** reconciliation took the broker's quantity for this trade (the row already says so) */
  correctShares(shares: Decimal): void {
    // queued: a write already in flight returns the row as it was before the correction
    this.enqueue('quantity correction', async () => { this.trade = { ...this.trade, shares }; });
  }

  /** a trade restored exiting (not one whose exit began in this process): finish what a crash interrupted */
  resume(): void {
    const t = this.trade;
    if (this.restored !== 'exiting' || this.state !== 'exiting') return;
    if (!this.intent) {
      // the row carries no exit reason until it is closed (domain/trade.ts); the intent is journaled
      this.enqueue('resume exit reason', async () => {
        const decided = await journaledExit(this.deps.store, t.id);
        if (decided) this.intent = decided;
      });
    }
    if (!t.exitOrderId && t.exitClientOrderId) this.enqueue('resume exit', () => this.exits.resume(t.exitClientOrderId!));
  }

  private onEntryOrder(order: Order, at: EpochMs): void {
    if (!this.trade.entryOrderId) {
      this.trade.entryOrderId = order.id;
      this.deps.route(order.id);
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
      return;
    }
    if (order.filledQty.gt(this.entryFilled) || (terminal && !wasDone && order.filledQty.gt(0))) {
      this.entryFilled = order.filledQty;
      this.entryAvg = order.filledAvgPrice ?? this.entryAvg;
      if (this.view.entryAt === 0) this.view.entryAt = at;
      this.actor.send({ type: 'ENTRY_FILLED', done: terminal });
    } else if (terminal && !wasDone && order.filledQty.isZero()) {
      this.actor.send({ type: 'ENTRY_ENDED', reason: `entry order ${order.statusRaw}` });
    }
  }

  private onExitOrder(order: Order, at: EpochMs): void {
    if (!this.exitFills.update(order)) return;
    const sold = this.exitFills.sold();
    if (sold.gte(this.trade.shares ?? this.entryFilled) && sold.gt(0)) {
      this.exitAt = order.filledAt ?? at;
      this.actor.send({ type: 'EXIT_FILLED' });
    } else {
      // the sell ended short of the position (rejected, canceled, expired): sell the rest
      this.enqueue('exit retry', () => this.exits.retry(`exit order ${order.statusRaw}`));
    }
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
      // the first exit's client order id, persisted now so the exit can send before it writes (docs/benchmarks.md, B6a)
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
      this.deps.finished();
    });
  }

  cancelEntry(): void {
    this.enqueue('cancel entry', () => cancelOwnOpenOrders(this.deps.broker, this.trade.entryOrderId ? [this.trade.entryOrderId] : []));
  }

  startExit(decision: ExitIntent): void {
    this.intent = decision;
    this.exitSince = this.deps.clock.now();
    this.deps.disarm(this.view);
    this.enqueue('exit', () => {
      const peak = this.view.peakPrice;
      this.persistedPeak = peak;
      // the intent as it stands now: a sell adopted by the restore's look-up names its own rule
      return this.exits.start(this.intent ?? decision, peak);
    });
  }

  // what the exit attempts read of this trade (ExitHost)
  heldShares(): Decimal { return this.trade.shares ?? this.entryFilled; }
  workingEntryId(): string | null { return this.trade.entryOrderId && !this.entryDone ? this.trade.entryOrderId : null; }
  exitReason(): ExitReason | undefined { return this.intent?.reason; }

  recordClosed(): void {
    this.enqueue('close', async () => {
      const qty = this.exitFills.sold();
      const price = this.exitFills.averagePrice();
      const reason: ExitReason = this.intent?.reason ?? this.trade.exitReason ?? 'manual';
      this.trade = await this.deps.store.close(this.trade, { price, shares: qty, at: this.exitAt || this.deps.clock.now(), reason }, this.deps.clock.now());
      this.deps.emit({ type: 'closed', tradeId: this.trade.id, symbol: this.trade.symbol, reason, exitPrice: price.toFixed(), pnl: this.trade.pnl?.toFixed() ?? '0' });
      this.deps.finished();
    });
  }

  journal(entry: JournalInput): void {
    this.enqueue('journal', () => this.deps.store.appendJournal({ subject: this.trade.id, ...entry }, this.deps.clock.now()));
  }

  private enqueue(step: string, work: () => Promise<unknown>): void {
    this.queue = this.queue.then(work).then(() => undefined, (error: unknown) => {
      if (this.deps.resolve.signal?.aborted) return;
      this.deps.failed(step, error);
      if (step === 'exit' || step === 'exit retry') this.deps.emit({ type: 'exit_failed', tradeId: this.trade.id, error: errorText(error) });
    });
  }
}
