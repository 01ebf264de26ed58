/**
 * Feeds the metrics port from the events Keel already announces (the control's state changes, the
 * pipeline's signal decisions and kill switch, the position supervisor's trades, the broker
 * streams' connections and market data) as they happen: nothing here reads the database.
 * What is counted:
 *  - signals by the outcome of each decision ('received' is a waypoint, not an outcome);
 *  - pending approvals: the signals that went 'pending' and are not decided yet — seeded at the
 *    writer's start with the ones still pending in the database (a restart must not show 0);
 *  - the kill switch: engaged from an emergency stop, and when the bot is (or comes back) halted
 *    with the kill switch as its reason, until it leaves halted;
 *  - open positions: trades the supervisor reported open (or restored open/exiting) and not yet
 *    closed or cancelled (a stop of the supervisor leaves them open: they are, at the broker);
 *  - entry fill: from the supervisor taking the entry on (right after the broker answered its POST)
 *    to the fill being recorded;
 *  - a stream reconnect: every connection after a stream's first;
 *  - market data age: from the arrival of the last trade, quote or bar on the stream.
 */
import { Subscription, type Observable } from 'rxjs';
import type { PositionEvent } from '../actors/position-supervisor.types.js';
import type { ControlEvent } from '../control/lifecycle/bot-control.js';
import type { PipelineEvent } from '../control/pipeline/pipeline-runtime.js';
import type { Clock } from '../ports/clock.port.js';
import type { MarketDataEvent } from '../ports/market-data.port.js';
import type { MetricsPort, MetricsStream } from '../ports/metrics.port.js';
import type { TradeStreamEvent } from '../ports/trade-stream.port.js';

/** `stateReasonCode`: the status's stateReason code, read when the bot enters halted (a restart
 *  restoring a kill switch's halt must show it engaged) */
export function bridgeControlEvents(events$: Observable<ControlEvent>, metrics: MetricsPort, stateReasonCode?: () => Promise<string | null>): Subscription {
  return events$.subscribe((e) => {
    if (e.type !== 'state') return;
    metrics.botState(e.state);
    if (e.state === 'halted' && stateReasonCode) {
      stateReasonCode().then((code) => { if (code === 'KILL_SWITCH') metrics.killSwitch(true); }, () => undefined);
    }
  });
}

export interface PipelineMetricsBridge {
  /** the signals still pending in the database when the writer started (decided ones since are left out) */
  seedPending(signalIds: readonly string[]): void;
  unsubscribe(): void;
}

export function bridgePipelineEvents(events$: Observable<PipelineEvent>, metrics: MetricsPort): PipelineMetricsBridge {
  const pending = new Set<string>();
  /** decided while the seed was being read: the seed must not bring them back */
  const decidedIds = new Set<string>();
  const decided = (signalId: string) => { decidedIds.add(signalId); if (pending.delete(signalId)) metrics.pendingApprovals(pending.size); };
  const subscription = events$.subscribe((e) => {
    if (e.type === 'signal') {
      if (e.outcome === 'received') return;
      metrics.signal(e.outcome);
      if (e.outcome === 'pending') { pending.add(e.signalId); metrics.pendingApprovals(pending.size); } else decided(e.signalId);
    } else if (e.type === 'expired') {
      metrics.signal('expired');
      decided(e.signalId);
    } else if (e.type === 'emergency_stop' && e.phase === 'started') {
      metrics.killSwitch(true);
    }
  });
  return {
    seedPending(signalIds) {
      for (const id of signalIds) if (!decidedIds.has(id)) pending.add(id);
      metrics.pendingApprovals(pending.size);
    },
    unsubscribe: () => subscription.unsubscribe(),
  };
}

export function bridgePositionEvents(
  events$: Observable<PositionEvent>, supervisor: { readonly active: boolean }, clock: Clock, metrics: MetricsPort,
): Subscription {
  const open = new Set<string>();
  const pendingSince = new Map<string, number>();
  const count = () => metrics.openPositions(open.size);
  return events$.subscribe((e) => {
    switch (e.type) {
      case 'tracked':
        if (e.status === 'pending_entry') pendingSince.set(e.tradeId, clock.now());
        else if (e.status === 'open' || e.status === 'exiting') { open.add(e.tradeId); count(); }
        return;
      case 'opened': {
        const since = pendingSince.get(e.tradeId);
        pendingSince.delete(e.tradeId);
        if (since !== undefined) metrics.entryFill((clock.now() - since) / 1000);
        open.add(e.tradeId);
        return count();
      }
      case 'closed':
      case 'cancelled':
        pendingSince.delete(e.tradeId);
        if (open.delete(e.tradeId)) count();
        return;
      case 'untracked':
        // a stopping supervisor untracks everything, but those positions are still open at the broker
        pendingSince.delete(e.tradeId);
        if (supervisor.active && open.delete(e.tradeId)) count();
        return;
      default:
    }
  });
}

/** the trade and market data streams of one set of broker adapters */
export function bridgeStreams(
  streams: { trade: Observable<TradeStreamEvent>; marketData: Observable<MarketDataEvent> }, clock: Clock, metrics: MetricsPort,
): Subscription {
  const subs = new Subscription();
  const connection = (stream: MetricsStream) => {
    let connections = 0;
    return (e: { type: string }) => {
      if (e.type === 'connected') {
        if (connections++ > 0) metrics.streamReconnect(stream);
        metrics.streamConnected(stream, true);
      } else if (e.type === 'disconnected' || e.type === 'fatal') {
        metrics.streamConnected(stream, false);
      }
    };
  };
  const trade = connection('trade_updates');
  const data = connection('market_data');
  subs.add(streams.trade.subscribe(trade));
  subs.add(streams.marketData.subscribe((e) => {
    data(e);
    // when it arrived, not its exchange time: a minute bar is stamped with its start
    if (e.type === 'trade' || e.type === 'bar' || e.type === 'quote') metrics.marketData(clock.now());
  }));
  // the adapters are being replaced or stopped: their streams are no longer connected
  subs.add(() => { metrics.streamConnected('trade_updates', false); metrics.streamConnected('market_data', false); });
  return subs;
}
