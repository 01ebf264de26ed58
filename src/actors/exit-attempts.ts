/**
 * The exit of one trade at the broker, attempt by attempt: the first sell, the sell a restore
 * adopted, the re-sends after a refusal or a short fill, and the end of trying. Owned by the
 * trade's PositionActor; every method runs as (or inside) a step of the actor's queue, so the
 * attempts never overlap and the row is never written out of order.
 * Invariants:
 *  - the exit client order id's stem is written to the row BEFORE the sell is sent (at the open),
 *    and the sell's id carries the rule that fired (core/exits/exit-order-id.ts), so a crash
 *    between the POST and the 'exiting' record loses neither the order nor its rule; a sell whose
 *    outcome is unknown is looked up by its id (after a restart: by its stem), never sent twice;
 *  - on that path the POST goes out before any database work, and nothing is awaited before it
 *    but the cancel of a still-working entry order;
 *  - a retried exit sells what the broker holds (exit-executor.ts retryQuantity) and journals a
 *    difference; a broker that holds nothing hands the trade to reconciliation; an exit that cannot
 *    go on says so (gaveUp) instead of staying silently exiting.
 * The pure parts live in exit-executor.ts.
 */
import { exitOrderId, exitStemOf } from '../core/exits/exit-order-id.js';
import type { ExitDecision } from '../core/exits/exit.types.js';
import type { JournalInput } from '../domain/journal.js';
import { Decimal } from '../domain/money.js';
import type { Order } from '../domain/order.js';
import type { ExitReason, Trade } from '../domain/trade.js';
import type { EpochMs } from '../domain/time.js';
import type { BrokerPort } from '../ports/broker.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { TradeStore } from '../ports/trade-store.port.js';
import type { PositionEvent } from './position-supervisor.types.js';
import { resolveByClientOrderId, type ResolveOptions } from './entry-resolver.js';
import { cancelOwnOpenOrders, exitClientOrderId, exitOrderRequest, MAX_EXIT_ATTEMPTS, readRetryPlan, remainingShares, submitExit, type ExitFills, type ExitSubmission } from './exit-executor.js';

export type ExitIntent = Pick<ExitDecision, 'reason' | 'price' | 'detail'>;

export interface ExitAttemptDeps {
  store: TradeStore;
  broker: BrokerPort;
  clock: Clock;
  emit(event: PositionEvent): void;
  /** route order updates carrying this order id or client order id to this actor */
  route(key: string): void;
  failed(step: string, error: unknown): void;
  resolve: ResolveOptions;
  /** wait before re-sending a sell after a terminal rejection */
  exitRetryMs: number;
}

/** What the attempts read of, and hand back to, the trade's actor. */
export interface ExitHost {
  /** the row as last written: each step stores the row its write returned here */
  trade: Trade;
  /** the shares the trade holds: the row's, or what its entry filled before the row said so */
  heldShares(): Decimal;
  /** the entry order while it may still fill (cancelled before any sell), else null */
  workingEntryId(): string | null;
  /** the rule that fired, once known (after a restart: from the row or the journal) */
  exitReason(): ExitReason | undefined;
  /** an order of the trade changed */
  onOrder(order: Order, at: EpochMs): void;
  /** appended on the actor's queue, behind the step that is running */
  journal(entry: JournalInput): void;
}

type Posted = (ExitSubmission & { qty: Decimal }) | { kind: 'nothing' };

export class ExitAttempts {
  /** an exit order found at the broker on restore (sent before a crash), to adopt instead of sending */
  private adopted: Order | null = null;
  /** why the exit stopped trying; null while it tries */
  gaveUp: string | null = null;

  /** `attempt`: the attempt the row's exit id names (0 before the first sell) */
  constructor(private readonly host: ExitHost, private readonly fills: ExitFills, private readonly deps: ExitAttemptDeps, private attempt: number) {}

  /** the sell of an attempt sent before a crash: the next exit step adopts it instead of sending */
  adopt(order: Order): void {
    this.adopted = order;
  }

  /** the exit step: the first sell (or the adopted one), then the 'exiting' record; `peak` is written with it */
  async start(decision: ExitIntent, peak: number): Promise<void> {
    const host = this.host;
    this.attempt = Math.max(1, this.attempt);
    const stem = exitClientOrderId(host.trade, this.attempt);
    const coid = adoptedId(this.adopted, stem) ?? exitOrderId(stem, decision.reason);
    const adopted = this.adopted;
    this.adopted = null;
    const record = () => this.deps.store.saveStep(host.trade.id, { status: 'exiting', exitClientOrderId: coid, peakPrice: new Decimal(peak) }, {
      kind: 'state_transition', cause: 'position', message: `exit ${decision.reason}: ${decision.detail}`,
      data: { tradeId: host.trade.id, from: 'open', to: 'exiting', exitReason: decision.reason, price: decision.price, detail: decision.detail },
    }, this.deps.clock.now());
    this.deps.emit({ type: 'exit_decided', tradeId: host.trade.id, symbol: host.trade.symbol, reason: decision.reason, price: decision.price, detail: decision.detail });
    if (adopted) {
      host.trade = await record();
      return this.accepted(adopted);
    }
    if (host.trade.exitClientOrderId === null || exitStemOf(host.trade.exitClientOrderId) !== stem) {
      // the stem was not persisted at the open (a trade from before it was): write the id first
      host.trade = await record();
      return this.send();
    }
    // the sell's stem was persisted when the position opened and its id carries the rule, so the
    // POST goes out first (the tick → exit path, docs/benchmarks.md B6a) and the 'exiting' record follows once the broker answered (no database
    // work competes with the order on its way); a crash in between leaves an open trade whose
    // sell the restore finds at the broker by its stem (PositionActor.resume()), and reconciliation closes it
    // with the rule its id names — never a second, unrecorded sell, never a lost rule
    const result = await this.post(coid);
    try {
      host.trade = await record();
    } catch (error) {
      // the sell is out and its id is on the row: carry on (the fill still closes the trade)
      this.deps.failed('exit record', error);
      host.trade = { ...host.trade, status: 'exiting' };
    }
    return this.afterPost(result);
  }

  /** a restored exiting trade whose sell's outcome is unknown: find it by its id, or send it */
  async resume(clientOrderId: string): Promise<void> {
    const found = await resolveByClientOrderId(this.deps.broker, this.deps.clock, clientOrderId, this.deps.resolve);
    if (found) await this.accepted(found);
    else await this.send();
  }

  /** cancel the trade's own working entry order, then the market sell of what is held */
  private async send(): Promise<void> {
    return this.afterPost(await this.post(this.recordedExitId()));
  }

  /** the id of the attempt's sell once recorded ('exiting'): a re-send must reuse it exactly */
  private recordedExitId(): string {
    const trade = this.host.trade;
    const stem = exitClientOrderId(trade, Math.max(1, this.attempt));
    const recorded = trade.exitClientOrderId;
    if (recorded && exitStemOf(recorded) === stem && (recorded !== stem || trade.status === 'exiting')) return recorded;
    return exitOrderId(stem, this.host.exitReason() ?? 'manual');
  }

  private async post(clientOrderId: string, qty?: Decimal): Promise<Posted> {
    const { broker, clock } = this.deps;
    const entryId = this.host.workingEntryId();
    if (entryId) await cancelOwnOpenOrders(broker, [entryId]);
    const shares = qty ?? remainingShares(this.host.heldShares(), this.fills.sold());
    if (!shares.gt(0)) return { kind: 'nothing' };
    const request = exitOrderRequest(this.host.trade, shares, clientOrderId);
    this.deps.route(request.clientOrderId);
    return { ...(await submitExit(broker, clock, request, this.deps.resolve)), qty: shares };
  }

  private async afterPost(result: Posted): Promise<void> {
    if (result.kind === 'nothing') return this.fail('nothing to sell');
    if (result.kind === 'accepted') return this.accepted(result.order);
    this.fail(result.error);
    await this.retry(result.error, result.quantity ? result.qty : null);
  }

  private async accepted(order: Order): Promise<void> {
    const host = this.host;
    this.deps.route(order.id);
    host.trade = await this.deps.store.saveStep(host.trade.id, { exitOrderId: order.id, exitClientOrderId: order.clientOrderId }, {
      kind: 'order_submitted', cause: 'position', message: `exit sell ${order.qty?.toFixed() ?? ''} ${order.symbol} sent as ${order.clientOrderId}`,
      data: { tradeId: host.trade.id, orderId: order.id, clientOrderId: order.clientOrderId, qty: order.qty?.toFixed() ?? null },
    }, this.deps.clock.now());
    this.deps.emit({ type: 'exit_submitted', tradeId: host.trade.id, clientOrderId: order.clientOrderId });
    host.onOrder(order, this.deps.clock.now());
  }

  /**
   * After a refused or short sell: re-read the broker's position and sell what is there (a
   * quantity refusal is never answered with the same quantity); `refused` = the quantity of a sell
   * refused for its quantity. Attempts are bounded; the last one gives up loudly.
   */
  async retry(why: string, refused: Decimal | null = null): Promise<void> {
    const { store, clock, broker } = this.deps;
    const host = this.host;
    for (;;) {
      if (this.attempt >= MAX_EXIT_ATTEMPTS) return this.giveUp(`exit gave up after ${this.attempt} attempts: ${why}`);
      await clock.sleep(this.deps.exitRetryMs, this.deps.resolve.signal);
      this.attempt += 1;
      const sold = this.fills.sold();
      const shares = host.heldShares();
      const plan = await readRetryPlan(broker, host.trade.symbol, shares, sold, refused);
      if (plan.kind === 'unreadable') { why = `the broker's position could not be read: ${plan.error}`; continue; }
      if (plan.kind === 'flat') return this.flatAtBroker(why);
      if (plan.kind === 'refused_again') return this.giveUp(`the broker refused a sell of ${plan.qty.toFixed()} and still reports that position: ${why}`);
      // the full id (rule included) is on the row before this attempt's sell goes out
      const coid = exitOrderId(exitClientOrderId(host.trade, this.attempt), host.exitReason() ?? 'manual');
      const corrected = !plan.shares.eq(shares);
      host.trade = await store.saveStep(host.trade.id, { exitClientOrderId: coid, ...(corrected ? { shares: plan.shares } : {}) }, corrected ? {
        kind: 'reconciliation_correction', cause: 'position',
        message: `${host.trade.symbol}: the exit found ${plan.held.toFixed()} share(s) at the broker (Keel had ${shares.minus(sold).toFixed()} left to sell); selling ${plan.qty.toFixed()}`,
        data: { tradeId: host.trade.id, journalShares: shares.toFixed(), brokerHeld: plan.held.toFixed(), sold: sold.toFixed(), shares: plan.shares.toFixed(), why },
      } : null, clock.now());
      return this.afterPost(await this.post(coid, plan.qty));
    }
  }

  /** nothing left to sell at the broker: reconciliation decides (closed there with its fill, or missed) */
  private flatAtBroker(why: string): void {
    const trade = this.host.trade;
    this.host.journal({
      kind: 'warning', cause: 'position', message: `exit of ${trade.symbol}: the broker holds no shares, nothing to sell (${why}); handed to reconciliation`,
      data: { tradeId: trade.id, event: 'exit_flat_at_broker' },
    });
    this.deps.emit({ type: 'exit_flat_at_broker', tradeId: trade.id, symbol: trade.symbol });
  }

  private giveUp(why: string): void {
    this.gaveUp = why;
    this.fail(why);
    this.deps.emit({ type: 'exit_gave_up', tradeId: this.host.trade.id, symbol: this.host.trade.symbol, reason: why });
  }

  private fail(error: string): void {
    const trade = this.host.trade;
    this.deps.emit({ type: 'exit_failed', tradeId: trade.id, error });
    this.host.journal({ kind: 'warning', cause: 'position', message: `exit of ${trade.symbol} failed: ${error}`, data: { tradeId: trade.id } });
  }
}

/** an adopted sell keeps its own id (it may predate ids carrying the rule) */
function adoptedId(adopted: Order | null, stem: string): string | null {
  return adopted && exitStemOf(adopted.clientOrderId) === stem ? adopted.clientOrderId : null;
}
