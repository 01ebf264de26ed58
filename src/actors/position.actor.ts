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
 *  - the exit client order id's stem is written to the row BEFORE the sell is sent (at the open),
 *    and the sell's id carries the rule that fired (core/exits/exit-order-id.ts), so a crash
 *    between the POST and the 'exiting' record loses neither the order nor its rule; a sell whose
 *    outcome is unknown is looked up by its id (after a restart: by its stem), never sent twice;
 *  - a retried exit sells what the broker holds (exit-executor.ts retryQuantity) and journals a
 *    difference; a broker that holds nothing hands the trade to reconciliation; an exit that cannot
 *    go on says so (exitProgress().gaveUp) instead of staying silently exiting.
 * (Over 300 lines on purpose: every effect of one trade — entry, exit, its retries and its
 * quantity corrections — shares one queue and one state; the pure parts live in exit-executor.ts.)
 */
import { createActor, type Actor } from 'xstate';
import { appendJournal, listJournalForSubjects } from '../adapters/postgres/index.js';
import type { Db } from '../adapters/postgres/schema.js';
import { exitOrderId, exitStemOf, parseExitOrderId } from '../core/exits/exit-order-id.js';
import type { ExitDecision, PositionView } from '../core/exits/exit.types.js';
import type { ExitProgress } from '../core/safety/stuck-exits.js';
import type { JournalInput } from '../domain/journal.js';
import { Decimal, ZERO } from '../domain/money.js';
import { isTerminalStatus, type Order } from '../domain/order.js';
import type { ExitReason, Trade, TradePatch } from '../domain/trade.js';
import type { EpochMs } from '../domain/time.js';
import { positionMachine, restoredSnapshot, type PositionEffects } from '../machines/position.machine.js';
import type { BrokerPort } from '../ports/broker.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { PositionEvent } from './position-supervisor.types.js';
import { resolveByClientOrderId, type ResolveOptions } from './entry-resolver.js';
import { cancelOwnOpenOrders, ExitFills, exitClientOrderId, exitOrderRequest, findExitByStem, MAX_EXIT_ATTEMPTS, readRetryPlan, remainingShares, submitExit, type ExitSubmission } from './exit-executor.js';
import { closeTrade } from './trade-closer.js';
import { saveTradeStep } from './trade-writes.js';

export interface PositionActorDeps {
  db: Db;
  broker: BrokerPort;
  clock: Clock;
  emit(event: PositionEvent): void;
  /** start / stop evaluating the exit rules of this position on its symbol's prices */
  arm(view: PositionView): void;
  disarm(view: PositionView): void;
  /** route order updates carrying this order id or client order id to this actor */
  route(key: string): void;
  /** the trade reached closed or cancelled */
  finished(): void;
  failed(step: string, error: unknown): void;
  resolve: ResolveOptions;
  /** wait before re-sending a sell after a terminal rejection */
  exitRetryMs: number;
}

type ExitIntent = Pick<ExitDecision, 'reason' | 'price' | 'detail'>;
type Posted = (ExitSubmission & { qty: Decimal }) | { kind: 'nothing' };

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The PositionEffects methods are called by the machine's actions only. */
export class PositionActor implements PositionEffects {
  readonly view: PositionView;
  private readonly actor: Actor<typeof positionMachine>;
  private queue: Promise<void> = Promise.resolve();
  private entryFilled: Decimal;
  private entryAvg: Decimal | null;
  private entryDone = false;
  private entryStatus = '';
  /** built from an open or exiting row (a restart, a re-adoption), not from its entry order */
  private readonly restored: boolean;
  /** a restored trade's entry order has been read once (that read sets the baseline, it is not a fill) */
  private entrySeen = false;
  private readonly exitFills = new ExitFills();
  private exitAttempt: number;
  private intent: ExitIntent | null = null;
  private persistedPeak: number;
  private exitAt: EpochMs = 0;
  /** an exit order found at the broker on restore (sent before a crash), to adopt instead of sending */
  private adopted: Order | null = null;
  /** when the exit began (a restored exiting trade: its row's last write) */
  private exitSince: EpochMs;
  /** why the exit stopped trying; null while it tries */
  private gaveUp: string | null = null;

  constructor(public trade: Trade, private readonly deps: PositionActorDeps) {
    const entry = trade.entryPrice?.toNumber() ?? 0;
    const peak = Math.max(trade.peakPrice?.toNumber() ?? 0, entry);
    this.view = { tradeId: trade.id, symbol: trade.symbol, entryPrice: entry, entryAt: trade.entryAt ?? 0, peakPrice: peak };
    this.persistedPeak = peak;
    this.entryFilled = trade.status === 'pending_entry' ? ZERO : (trade.shares ?? ZERO);
    this.entryAvg = trade.entryPrice;
    const sent = trade.exitClientOrderId ? parseExitOrderId(trade.exitClientOrderId) : null;
    this.exitAttempt = sent?.attempt ?? 0;
    const reason = trade.exitReason ?? (trade.status === 'exiting' ? sent?.reason : null);
    if (reason) this.intent = { reason, price: 0, detail: 'restored' };
    const status = trade.status === 'open' || trade.status === 'exiting' ? trade.status : 'pending_entry';
    this.restored = status !== 'pending_entry';
    this.exitSince = trade.updatedAt;
    const input = { effects: this as PositionEffects };
    this.actor = createActor(positionMachine, status === 'pending_entry' ? { input } : { input, snapshot: restoredSnapshot(status, input) });
  }

  get state(): string {
    return String(this.actor.getSnapshot().value);
  }

  start(): this {
    this.actor.start();
    for (const key of [this.trade.entryOrderId, this.trade.entryClientOrderId, this.trade.exitOrderId, this.trade.exitClientOrderId]) if (key) this.deps.route(key);
    if (this.state === 'open') this.deps.arm(this.view);
    return this;
  }

  stop(): void {
    this.actor.stop();
    this.deps.disarm(this.view);
  }

  /** resolves when every queued effect has run */
  idle(): Promise<void> {
    return this.queue;
  }

  exit(decision: ExitIntent): void {
    this.actor.send({ type: 'EXIT', reason: decision.reason, price: decision.price, detail: decision.detail });
  }

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
    this.enqueue('peak', async () => { this.trade = await saveTradeStep(this.deps.db, this.trade.id, { peakPrice: new Decimal(peak) }, null, this.deps.clock.now()); });
  }

  /** the exit as the stuck-exit rule reads it; null unless exiting */
  exitProgress(): ExitProgress | null {
    if (this.state !== 'exiting') return null;
    return { tradeId: this.trade.id, symbol: this.trade.symbol, since: this.exitSince, gaveUp: this.gaveUp };
  }

  /** reconciliation took the broker's quantity for this trade (the row already says so) */
  correctShares(shares: Decimal): void {
    // queued: a write already in flight returns the row as it was before the correction
    this.enqueue('quantity correction', async () => { this.trade = { ...this.trade, shares }; });
  }

  /** a restored trade: re-read its orders and finish what a crash interrupted */
  resume(): void {
    const t = this.trade;
    if (this.state === 'open' && t.exitClientOrderId && !t.exitOrderId) {
      // the exit id's stem is persisted at the open and the sell goes out before 'exiting' is
      // written: a sell that reached the broker before a crash is found here by its stem and
      // adopted with the rule its id carries, never re-sent
      this.enqueue('resume open', async () => {
        const found = await findExitByStem(this.deps.broker, this.deps.clock, t, exitStemOf(t.exitClientOrderId!), this.deps.resolve);
        if (!found) return;
        // adopted by the exit step: the one EXIT sends now, or one a tick already queued behind this
        this.adopted = found;
        const rule = parseExitOrderId(found.clientOrderId)?.reason;
        if (this.state === 'open') {
          this.exit(rule
            ? { reason: rule, price: found.filledAvgPrice?.toNumber() ?? 0, detail: `restored: exit order ${found.clientOrderId} was sent before a restart` }
            : { reason: 'manual', price: found.filledAvgPrice?.toNumber() ?? 0, detail: `restored: exit order ${found.clientOrderId} was sent before a restart (the rule that fired was not recorded)` });
        }
      });
    }
    if (this.state === 'exiting' && !this.intent) {
      // the row carries no exit reason until it is closed (domain/trade.ts); the intent is journaled
      this.enqueue('resume exit reason', async () => {
        const entries = await listJournalForSubjects(this.deps.db, [t.id]);
        const decided = entries.filter((e) => e.data['to'] === 'exiting' && typeof e.data['exitReason'] === 'string').pop();
        if (decided) this.intent = { reason: decided.data['exitReason'] as ExitReason, price: Number(decided.data['price'] ?? 0), detail: 'restored' };
      });
    }
    if (this.state === 'exiting' && !t.exitOrderId && t.exitClientOrderId) {
      this.enqueue('resume exit', async () => {
        const found = await resolveByClientOrderId(this.deps.broker, this.deps.clock, t.exitClientOrderId!, this.deps.resolve);
        if (found) await this.exitAccepted(found);
        else await this.sendExit();
      });
    }
  }

  private onEntryOrder(order: Order, at: EpochMs): void {
    if (!this.trade.entryOrderId) {
      this.trade.entryOrderId = order.id;
      this.deps.route(order.id);
      this.enqueue('entry order id', async () => {
        this.trade = await saveTradeStep(this.deps.db, this.trade.id, { entryOrderId: order.id }, {
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
      this.enqueue('exit retry', () => this.retryExit(`exit order ${order.statusRaw}`));
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
      this.trade = await saveTradeStep(this.deps.db, this.trade.id, patch, {
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
      this.trade = await saveTradeStep(this.deps.db, this.trade.id, { status: 'cancelled', notes: reason }, {
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
    this.enqueue('exit', async () => {
      this.exitAttempt = Math.max(1, this.exitAttempt);
      const stem = exitClientOrderId(this.trade, this.exitAttempt);
      const coid = adoptedId(this.adopted, stem) ?? exitOrderId(stem, decision.reason);
      const peak = this.view.peakPrice;
      this.persistedPeak = peak;
      const adopted = this.adopted;
      this.adopted = null;
      const record = () => saveTradeStep(this.deps.db, this.trade.id, { status: 'exiting', exitClientOrderId: coid, peakPrice: new Decimal(peak) }, {
        kind: 'state_transition', cause: 'position', message: `exit ${decision.reason}: ${decision.detail}`,
        data: { tradeId: this.trade.id, from: 'open', to: 'exiting', exitReason: decision.reason, price: decision.price, detail: decision.detail },
      }, this.deps.clock.now());
      this.deps.emit({ type: 'exit_decided', tradeId: this.trade.id, symbol: this.trade.symbol, reason: decision.reason, price: decision.price, detail: decision.detail });
      if (adopted) {
        this.trade = await record();
        return this.exitAccepted(adopted);
      }
      if (this.trade.exitClientOrderId === null || exitStemOf(this.trade.exitClientOrderId) !== stem) {
        // the stem was not persisted at the open (a trade from before it was): write the id first
        this.trade = await record();
        return this.sendExit();
      }
      // the sell's stem was persisted when the position opened and its id carries the rule, so the
      // POST goes out first (the tick → exit path, docs/benchmarks.md B6a) and the 'exiting' record follows once the broker answered (no database
      // work competes with the order on its way); a crash in between leaves an open trade whose
      // sell the restore finds at the broker by its stem (resume()), and reconciliation closes it
      // with the rule its id names — never a second, unrecorded sell, never a lost rule
      const result = await this.postExit(coid);
      try {
        this.trade = await record();
      } catch (error) {
        // the sell is out and its id is on the row: carry on (the fill still closes the trade)
        this.deps.failed('exit record', error);
        this.trade = { ...this.trade, status: 'exiting' };
      }
      return this.afterPost(result);
    });
  }

  /** cancel the trade's own working entry order, then the market sell of what is held */
  private async sendExit(): Promise<void> {
    return this.afterPost(await this.postExit(this.recordedExitId()));
  }

  /** the id of the attempt's sell once recorded ('exiting'): a re-send must reuse it exactly */
  private recordedExitId(): string {
    const stem = exitClientOrderId(this.trade, Math.max(1, this.exitAttempt));
    const recorded = this.trade.exitClientOrderId;
    if (recorded && exitStemOf(recorded) === stem && (recorded !== stem || this.trade.status === 'exiting')) return recorded;
    return exitOrderId(stem, this.intent?.reason ?? 'manual');
  }

  private async postExit(clientOrderId: string, qty?: Decimal): Promise<Posted> {
    const { broker, clock } = this.deps;
    if (this.trade.entryOrderId && !this.entryDone) await cancelOwnOpenOrders(broker, [this.trade.entryOrderId]);
    const shares = qty ?? remainingShares(this.trade.shares ?? this.entryFilled, this.exitFills.sold());
    if (!shares.gt(0)) return { kind: 'nothing' };
    const request = exitOrderRequest(this.trade, shares, clientOrderId);
    this.deps.route(request.clientOrderId);
    return { ...(await submitExit(broker, clock, request, this.deps.resolve)), qty: shares };
  }

  private async afterPost(result: Posted): Promise<void> {
    if (result.kind === 'nothing') return this.fail('nothing to sell');
    if (result.kind === 'accepted') return this.exitAccepted(result.order);
    this.fail(result.error);
    await this.retryExit(result.error, result.quantity ? result.qty : null);
  }

  private async exitAccepted(order: Order): Promise<void> {
    this.deps.route(order.id);
    this.trade = await saveTradeStep(this.deps.db, this.trade.id, { exitOrderId: order.id, exitClientOrderId: order.clientOrderId }, {
      kind: 'order_submitted', cause: 'position', message: `exit sell ${order.qty?.toFixed() ?? ''} ${order.symbol} sent as ${order.clientOrderId}`,
      data: { tradeId: this.trade.id, orderId: order.id, clientOrderId: order.clientOrderId, qty: order.qty?.toFixed() ?? null },
    }, this.deps.clock.now());
    this.deps.emit({ type: 'exit_submitted', tradeId: this.trade.id, clientOrderId: order.clientOrderId });
    this.onOrder(order, this.deps.clock.now());
  }

  /**
   * After a refused or short sell: re-read the broker's position and sell what is there (a
   * quantity refusal is never answered with the same quantity); `refused` = the quantity of a sell
   * refused for its quantity. Attempts are bounded; the last one gives up loudly.
   */
  private async retryExit(why: string, refused: Decimal | null = null): Promise<void> {
    const { db, clock, broker } = this.deps;
    for (;;) {
      if (this.exitAttempt >= MAX_EXIT_ATTEMPTS) return this.giveUp(`exit gave up after ${this.exitAttempt} attempts: ${why}`);
      await clock.sleep(this.deps.exitRetryMs, this.deps.resolve.signal);
      this.exitAttempt += 1;
      const sold = this.exitFills.sold();
      const shares = this.trade.shares ?? this.entryFilled;
      const plan = await readRetryPlan(broker, this.trade.symbol, shares, sold, refused);
      if (plan.kind === 'unreadable') { why = `the broker's position could not be read: ${plan.error}`; continue; }
      if (plan.kind === 'flat') return this.flatAtBroker(why);
      if (plan.kind === 'refused_again') return this.giveUp(`the broker refused a sell of ${plan.qty.toFixed()} and still reports that position: ${why}`);
      // the full id (rule included) is on the row before this attempt's sell goes out
      const coid = exitOrderId(exitClientOrderId(this.trade, this.exitAttempt), this.intent?.reason ?? 'manual');
      const corrected = !plan.shares.eq(shares);
      this.trade = await saveTradeStep(db, this.trade.id, { exitClientOrderId: coid, ...(corrected ? { shares: plan.shares } : {}) }, corrected ? {
        kind: 'reconciliation_correction', cause: 'position',
        message: `${this.trade.symbol}: the exit found ${plan.held.toFixed()} share(s) at the broker (Keel had ${shares.minus(sold).toFixed()} left to sell); selling ${plan.qty.toFixed()}`,
        data: { tradeId: this.trade.id, journalShares: shares.toFixed(), brokerHeld: plan.held.toFixed(), sold: sold.toFixed(), shares: plan.shares.toFixed(), why },
      } : null, clock.now());
      return this.afterPost(await this.postExit(coid, plan.qty));
    }
  }

  /** nothing left to sell at the broker: reconciliation decides (closed there with its fill, or missed) */
  private flatAtBroker(why: string): void {
    this.journal({
      kind: 'warning', cause: 'position', message: `exit of ${this.trade.symbol}: the broker holds no shares, nothing to sell (${why}); handed to reconciliation`,
      data: { tradeId: this.trade.id, event: 'exit_flat_at_broker' },
    });
    this.deps.emit({ type: 'exit_flat_at_broker', tradeId: this.trade.id, symbol: this.trade.symbol });
  }

  private giveUp(why: string): void {
    this.gaveUp = why;
    this.fail(why);
    this.deps.emit({ type: 'exit_gave_up', tradeId: this.trade.id, symbol: this.trade.symbol, reason: why });
  }

  private fail(error: string): void {
    this.deps.emit({ type: 'exit_failed', tradeId: this.trade.id, error });
    this.journal({ kind: 'warning', cause: 'position', message: `exit of ${this.trade.symbol} failed: ${error}`, data: { tradeId: this.trade.id } });
  }

  recordClosed(): void {
    this.enqueue('close', async () => {
      const qty = this.exitFills.sold();
      const price = this.exitFills.averagePrice();
      const reason: ExitReason = this.intent?.reason ?? this.trade.exitReason ?? 'manual';
      this.trade = await closeTrade(this.deps.db, this.trade, { price, shares: qty, at: this.exitAt || this.deps.clock.now(), reason }, this.deps.clock.now());
      this.deps.emit({ type: 'closed', tradeId: this.trade.id, symbol: this.trade.symbol, reason, exitPrice: price.toFixed(), pnl: this.trade.pnl?.toFixed() ?? '0' });
      this.deps.finished();
    });
  }

  private journal(entry: JournalInput): void {
    this.enqueue('journal', () => appendJournal(this.deps.db, { subject: this.trade.id, ...entry }, this.deps.clock.now()));
  }

  private enqueue(step: string, work: () => Promise<unknown>): void {
    this.queue = this.queue.then(work).then(() => undefined, (error: unknown) => {
      if (this.deps.resolve.signal?.aborted) return;
      this.deps.failed(step, error);
      if (step === 'exit' || step === 'exit retry') this.deps.emit({ type: 'exit_failed', tradeId: this.trade.id, error: errorText(error) });
    });
  }
}

/** an adopted sell keeps its own id (it may predate ids carrying the rule) */
function adoptedId(adopted: Order | null, stem: string): string | null {
  return adopted && exitStemOf(adopted.clientOrderId) === stem ? adopted.clientOrderId : null;
}
