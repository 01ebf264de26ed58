/**
 * The position machine provided ONCE for every position of a supervisor (a .provide() per position
 * would clone the machine per position: kilobytes each, docs/benchmarks.md §3), with:
 *  - the keyed streams each actor's `inbox` consumes: `decisions` (its symbol's exit decisions, and
 *    the kill switch's) and `orders` (its orders' updates, produced by the fill router); an event
 *    reaches its actor through one Map lookup, so nothing is done per position per tick;
 *  - the registry of hosts (position-host.ts) the provided effects act on, found by the context's
 *    trade id: the context holds data only, the services are closed over here;
 *  - XState's clock on the injected Clock, so `after` (the exit's retry wait) runs on Keel's time.
 */
import { Observable } from 'rxjs';
import { fromEventObservable, fromPromise, type ActorOptions } from 'xstate';
import type { Order } from '../domain/order.js';
import type { EpochMs } from '../domain/time.js';
import { errorText } from '../lib/error-text.js';
import {
  positionMachine, type ExitIntent, type PositionMachineContext, type PositionMachineEvent, type ResumeResult, type RetryResult, type StopResult, type SubmitResult, type TimedIntent,
} from '../machines/position.machine.js';
import type { Clock } from '../ports/clock.port.js';
import { KeyedSubject } from '../streams/keyed-subject.js';
import { cancelOwnOrders, findSentExitStep, planRetryStep, resumeExitStep, submitExitStep } from './exit-steps.js';
import type { PositionHost } from './position-host.js';
import { recordStopExit, syncStopStep } from './protective-stop-steps.js';

/** XState's timer interface (the `clock` option of createActor) */
type XStateClock = NonNullable<ActorOptions<typeof positionMachine>['clock']>;

export interface OrderUpdate {
  order: Order;
  at: EpochMs;
}


export class PositionRuntime {
  readonly decisions = new KeyedSubject<string, ExitIntent & { at: EpochMs }>();
  readonly orders = new KeyedSubject<string, OrderUpdate>();
  readonly clock: XStateClock;
  readonly machine;
  private readonly hosts = new Map<string, PositionHost>();

  constructor(clock: Clock, exitRetryMs = 1_000, stopRetryMs = 30_000) {
    this.clock = xstateClock(clock);
    this.machine = this.provide(exitRetryMs, stopRetryMs);
  }

  register(tradeId: string, host: PositionHost): void {
    this.hosts.set(tradeId, host);
  }

  unregister(tradeId: string, host: PositionHost): void {
    if (this.hosts.get(tradeId) === host) this.hosts.delete(tradeId);
  }

  private host(tradeId: string): PositionHost {
    const found = this.hosts.get(tradeId);
    if (!found) throw new Error(`position ${tradeId} has no actor`);
    return found;
  }

  /** a trade's events: its decisions as EXIT, its order updates as what they mean to it */
  private inbox(tradeId: string): Observable<PositionMachineEvent> {
    return new Observable<PositionMachineEvent>((subscriber) => {
      const host = this.hosts.get(tradeId);
      const offDecisions = this.decisions.attach(tradeId, (d) => subscriber.next({ type: 'EXIT', reason: d.reason, price: d.price, detail: d.detail, at: d.at }));
      const offOrders = host ? this.orders.attach(tradeId, (u) => {
        const event = host.classify(u.order, u.at);
        if (event) subscriber.next(event);
      }) : () => undefined;
      return () => { offDecisions(); offOrders(); };
    });
  }

  private provide(exitRetryMs: number, stopRetryMs: number) {
    const host = (context: PositionMachineContext) => this.host(context.tradeId);
    const queued = <I extends { tradeId: string }, O>(work: (h: PositionHost, input: I) => Promise<O>) =>
      fromPromise<O, I>(({ input }) => {
        const h = this.host(input.tradeId);
        return h.queue.run(() => work(h, input));
      });
    return positionMachine.provide({
      actors: {
        inbox: fromEventObservable<PositionMachineEvent, { tradeId: string }>(({ input }) => this.inbox(input.tradeId)),
        cancelOwnOrders: queued<{ tradeId: string }, void>((h) => cancelOwnOrders(h)),
        submitExit: queued<PositionMachineContext, SubmitResult>(submitExitStep),
        planRetry: queued<PositionMachineContext, RetryResult>(planRetryStep),
        findSentExit: queued<{ tradeId: string }, TimedIntent | null>((h) => findSentExitStep(h)),
        resumeExit: queued<PositionMachineContext, ResumeResult>(resumeExitStep),
        // counted from the invocation, not the step's start: a sell decided while the stop is still
        // queued must go through cancellingOwnOrders, which runs after it on the same queue
        syncStop: fromPromise<StopResult, { tradeId: string }>(({ input }) => {
          const h = this.host(input.tradeId);
          h.stops.syncs++;
          return h.queue.run(() => syncStopStep(h)).finally(() => { h.stops.syncs--; });
        }),
      },
      guards: {
        stopsOff: ({ context }) => { const h = host(context); return h.deps.stopPolicy(h.trade.id).mode === 'off' && h.trade.stopClientOrderId === null; },
        noWorkingEntry: ({ context }) => {
          const h = host(context);
          return h.workingEntryId() === null && !h.stops.mayBeLive(h.trade) && !h.stops.targetLive(h.trade);
        },
      },
      actions: {
        recordEntry: ({ context }) => host(context).recordEntry(),
        recordCancelled: ({ context, event }) => host(context).recordCancelled(event.type === 'ENTRY_ENDED' ? event.reason : 'entry ended'),
        cancelEntry: ({ context }) => host(context).cancelEntry(),
        arm: ({ context }) => { const h = host(context); h.deps.arm(h.view); },
        disarm: ({ context }) => { const h = host(context); h.deps.disarm(h.view); },
        recordClosed: ({ context }) => host(context).recordClosed(context.intent?.reason ?? null),
        recordStopExit: ({ context }) => recordStopExit(host(context), context.intent?.price ?? 0, context.intent?.reason ?? 'broker_stop'),
        stopMissing: ({ context }) => {
          const h = host(context);
          const t = h.trade;
          h.journal({
            kind: 'warning', cause: 'position', message: `${t.symbol}: no protective stop at the broker (${context.stopWhy ?? 'unknown'}); Keel's monitor protects the position, the stop is tried again`,
            data: { tradeId: t.id, event: 'stop_missing' },
          });
          h.deps.emit({ type: 'stop_missing', tradeId: t.id, symbol: t.symbol, why: context.stopWhy ?? '' });
        },
        exitFailed: ({ context }) => exitFailed(host(context), context.why),
        gaveUp: ({ context }) => {
          const h = host(context);
          const why = context.gaveUp ?? 'exit gave up';
          exitFailed(h, why);
          h.deps.emit({ type: 'exit_gave_up', tradeId: h.trade.id, symbol: h.trade.symbol, reason: why });
        },
        flatAtBroker: ({ context }) => {
          const h = host(context);
          const t = h.trade;
          h.journal({
            kind: 'warning', cause: 'position', message: `exit of ${t.symbol}: the broker holds no shares, nothing to sell (${context.why}); handed to reconciliation`,
            data: { tradeId: t.id, event: 'exit_flat_at_broker' },
          });
          h.deps.emit({ type: 'exit_flat_at_broker', tradeId: t.id, symbol: t.symbol });
        },
        inboxFailed: ({ context, event }) => {
          const h = host(context);
          h.deps.failed(h.trade.id, 'inbox', 'error' in event ? (event as { error: unknown }).error : event);
        },
        stepFailed: ({ context, event }) => {
          const h = host(context);
          if (h.deps.resolve.signal?.aborted) return;
          const error = 'error' in event ? (event as { error: unknown }).error : event;
          h.deps.failed(h.trade.id, 'exit', error);
          h.deps.emit({ type: 'exit_failed', tradeId: h.trade.id, error: errorText(error) });
        },
      },
      delays: { exitRetry: exitRetryMs, stopRetry: stopRetryMs },
    });
  }
}

/** the sell did not complete: said on the event stream and in the trade's journal */
function exitFailed(host: PositionHost, error: string): void {
  const trade = host.trade;
  host.deps.emit({ type: 'exit_failed', tradeId: trade.id, error });
  host.journal({ kind: 'warning', cause: 'position', message: `exit of ${trade.symbol} failed: ${error}`, data: { tradeId: trade.id } });
}

/** XState's timers on the injected clock (a cleared timer's sleep is aborted) */
function xstateClock(clock: Clock): XStateClock {
  return {
    setTimeout(fn: (...args: unknown[]) => void, ms: number) {
      const abort = new AbortController();
      clock.sleep(ms, abort.signal).then(() => fn(), () => undefined);
      return abort;
    },
    clearTimeout(id: unknown) {
      (id as AbortController).abort();
    },
  };
}
