/**
 * The trading pipeline on real PostgreSQL (test-db.ts) against the real simulated exchange through
 * the real Alpaca adapter, with the control facade, a position supervisor (a recording fake, or the
 * real one) and the lifecycle wiring of the service. Clocks: ONE ManualClock (the sim's) for the
 * exchange, Keel and its adapters, which the test advances; the adapter's request timeouts have
 * their own (`timeouts`), so a withheld response times out only when the test says so.
 */
import type { StreamGate } from '../../src/streams/operators/trade-stream-gate.js';
import { Decimal } from '../../src/domain/money.js';
import { filter, firstValueFrom, ReplaySubject, startWith, Subject, type Observable } from 'rxjs';
import type { Subscription } from 'rxjs';
import type { ArmedPosition, ExitAllReport, ExitRuleSettings, PositionEvent, PositionSupervisor } from '../../src/actors/position-supervisor.types.js';
import { createPositionSupervisor } from '../../src/actors/position-supervisor.js';
import { createPostgresTradeStore } from '../../src/adapters/postgres/trade-store.js';
import { createAlpacaAdapters, type AlpacaAdapters } from '../../src/adapters/alpaca/index.js';
import { resolveAlpacaUrls } from '../../src/adapters/alpaca/urls.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { createBotControl, type KeelBotControl } from '../../src/control/lifecycle/bot-control.js';
import { createPipeline, type KeelPipeline, type PipelineDeps, type PipelineEvent } from '../../src/control/pipeline/signal-service.js';
import type { BotSettings } from '../../src/domain/bot-config.js';
import { dec } from '../../src/domain/money.js';
import type { ReconcileFinding } from '../../src/domain/reconciliation.js';
import type { SignalAnswer, SignalInput } from '../../src/domain/signal.js';
import type { Trade } from '../../src/domain/trade.js';
import type { SubmitOutcome } from '../../src/ports/broker.port.js';
import { driveSupervisor, settleFlatExits, type SupervisorCommand } from '../../src/service/supervisor-lifecycle.js';
import { bootReconciled } from './control-harness.js';
import { SESSION_OPEN, startSim, type SimHarness } from './sim-harness.js';
import type { TestDb } from './test-db.js';

/** the sim's default symbols trade above the $20 share-price pillar; tests judge the other rules */
/** brokerStopMode 'off': a protective stop at the hard-stop level races Keel's own hard stop on the
 *  same tick, and adds its orders to every count; the stop's own tests turn it on */
export const TEST_SETTINGS: Partial<BotSettings> = { executionMode: 'full_auto', maxSharePrice: dec(10_000), maxConcurrentPositions: null, brokerStopMode: 'off' };

export interface SupervisorFactoryInput {
  db: TestDb['db'];
  clock: ManualClock;
  alpaca: AlpacaAdapters;
}

export interface Keel {
  control: KeelBotControl;
  pipeline: KeelPipeline;
  supervisor: PositionSupervisor;
  /** every supervisor event since boot, replayed: await one without racing it */
  position<T extends PositionEvent['type']>(type: T, match?: (e: Extract<PositionEvent, { type: T }>) => boolean): Promise<Extract<PositionEvent, { type: T }>>;
  /** resolves once the supervisor's trade stream is live and caught up (entries pass the stream-gap gate) */
  streamLive(): Promise<void>;
  /** the next supervisor command the lifecycle wiring applied */
  applied(command: SupervisorCommand): Promise<SupervisorCommand>;
  /** shuts this instance down (a restart then builds a new one on the same database) */
  shutdown(): Promise<void>;
}

export interface PipelineHarness {
  sim: SimHarness;
  alpaca: AlpacaAdapters;
  clock: ManualClock;
  /** the adapter's request-timeout clock */
  timeouts: ManualClock;
  /** a new Keel instance (control + supervisor + pipeline) on the same database and broker */
  boot(opts?: { settings?: Partial<BotSettings> }): Promise<Keel>;
  close(): Promise<void>;
}

export async function startPipelineHarness(
  t: TestDb,
  makeSupervisor: (input: SupervisorFactoryInput) => PositionSupervisor = () => new FakeSupervisor(),
  start = SESSION_OPEN,
): Promise<PipelineHarness> {
  const sim = await startSim({ onError: (error) => { throw error; } }, start);
  const resolved = resolveAlpacaUrls({
    ALPACA_PAPER_URL: sim.server.tradingUrl, ALPACA_DATA_URL: sim.server.dataUrl, ALPACA_DATA_STREAM_URL: sim.server.dataStreamUrl('iex'),
    ALPACA_API_KEY: 'PKSIMKEY', ALPACA_API_SECRET: 'sim-secret',
  }, 'paper');
  const timeouts = new ManualClock(start);
  // one time for Keel, its adapters and the exchange: prices, max hold, expiry and the session
  // close agree. (An auto-advancing adapter clock would spin the data stream's handshake timeout
  // and reconnect backoff in a tight loop once a position supervisor starts the streams.)
  const clock = sim.clock;
  const alpaca = createAlpacaAdapters(resolved, { clock, random: () => 0.5, timeoutClock: timeouts });
  const instances: Keel[] = [];
  return {
    sim, alpaca, clock, timeouts,
    async boot(opts = {}) {
      const control = createBotControl({
        db: t.db, clock, broker: () => alpaca.broker, random: () => 0.5, reconcileRetry: { baseMs: 1_000, maxMs: 30_000 }, switchBroker: () => true,
      });
      const supervisor = makeSupervisor({ db: t.db, clock, alpaca });
      const applied = new Subject<SupervisorCommand>();
      const positionEvents = new ReplaySubject<PositionEvent>();
      const recording = supervisor.events$.subscribe(positionEvents);
      const wiring: Subscription = driveSupervisor(control.events$, supervisor, (m, e) => { throw e ?? new Error(m); }, (c) => applied.next(c));
      wiring.add(settleFlatExits(supervisor.events$, (cause) => control.reconcileNow(cause), (m) => { throw new Error(m); }));
      const deps: PipelineDeps = {
        db: t.db, clock, control, supervisor, broker: () => alpaca.broker, marketData: () => alpaca.marketData, newId: sequentialIds(),
        entryGate: () => control.entryGate(), entryGateNow: () => control.entryGateNow(),
      };
      const pipeline = createPipeline(deps);
      pipeline.start();
      await bootReconciled(control);
      if (opts.settings ?? TEST_SETTINGS) {
        const patched = await control.patchConfig(opts.settings ?? TEST_SETTINGS, 'test');
        if (!patched.ok) throw new Error(patched.error.message);
      }
      const keel: Keel = {
        control, pipeline, supervisor,
        position: (type, match = () => true) =>
          firstValueFrom(positionEvents.pipe(filter((e): e is never => e.type === type && match(e as never)))) as never,
        applied: (command) => firstValueFrom(applied.pipe(filter((c) => c === command))),
        // a started supervisor takes entries only once its trade stream has caught up (the stream-gap gate)
        streamLive: () => firstValueFrom(alpaca.tradeStream.events$.pipe(startWith(null), filter(() => supervisor.streamGate().live))).then(() => undefined),
        async shutdown() {
          instances.splice(instances.indexOf(keel), 1);
          await pipeline.stop();
          await control.shutdown();
          wiring.unsubscribe();
          await supervisor.stop();
          recording.unsubscribe();
        },
      };
      instances.push(keel);
      return keel;
    },
    async close() {
      for (const keel of [...instances]) await keel.shutdown().catch(() => undefined);
      await alpaca.tradeStream.stop();
      await alpaca.marketDataStream.stop();
      await sim.close();
    },
  };
}

function sequentialIds(): () => string {
  let n = 0;
  return () => `gen-${++n}`;
}

/** a recording supervisor: what the pipeline handed over, without positions behind it */
export class FakeSupervisor implements PositionSupervisor {
  readonly submitted: Array<{ trade: Trade; outcome: SubmitOutcome }> = [];
  /** replays: a test may look after the (background) hand-over already happened */
  readonly submitted$ = new ReplaySubject<{ trade: Trade; outcome: SubmitOutcome }>();
  readonly exitAllCalls: string[] = [];
  readonly appliedSettings: ExitRuleSettings[] = [];
  exitAllReport: ExitAllReport = { exiting: [], failed: [] };
  private readonly events = new Subject<PositionEvent>();
  readonly events$: Observable<PositionEvent> = this.events.asObservable();
  active = false;
  async start() { this.active = true; }
  async stop() { this.active = false; }
  entrySubmitted(trade: Trade, outcome: SubmitOutcome) {
    this.submitted.push({ trade, outcome });
    this.submitted$.next({ trade, outcome });
  }
  async exitAll(reason: string) {
    this.exitAllCalls.push(reason);
    return this.exitAllReport;
  }
  readonly exitTradeCalls: Array<{ tradeId: string; reason: string; detail: string }> = [];
  exitTrade(tradeId: string, reason: string, detail: string) { this.exitTradeCalls.push({ tradeId, reason, detail }); return false; }
  applySettings(settings: ExitRuleSettings) { this.appliedSettings.push(settings); }
  readonly reconciliations: ReconcileFinding[][] = [];
  applyReconciliation(findings: readonly ReconcileFinding[]) { this.reconciliations.push([...findings]); }
  trackedCount() { return 0; }
  /** the trade stream as the fake reports it: live unless a test says otherwise */
  gate: StreamGate = { live: true, phase: 'live', since: 0, openSellSymbols: new Set() };
  streamGate() { return this.gate; }
  unrealized: Decimal | null = new Decimal(0);
  unrealizedPnl() { return this.unrealized; }
  /** the peaks the fake's "running actors" hold, by trade id */
  readonly livePeaks = new Map<string, number>();
  livePeak(tradeId: string) { return this.livePeaks.get(tradeId) ?? null; }
  /** what the fake's "actors" are armed with */
  armed: ArmedPosition[] = [];
  armedPositions() { return this.armed; }
  emit(event: PositionEvent) { this.events.next(event); }
}

export function signal(overrides: Partial<SignalInput> = {}): SignalInput {
  return {
    id: null, symbol: 'AAPL', side: 'buy', catalystType: 'earnings', catalystTier: 1, aiConfidence: null, stars: null,
    confidence: null, strategy: null, priceAtSignal: null, stopLossPrice: null, takeProfitPrice: null, floatShares: null, relativeVolume: null,
    ...overrides,
  };
}

export const pipelineEvent = <T extends PipelineEvent['type']>(p: KeelPipeline, type: T, match: (e: Extract<PipelineEvent, { type: T }>) => boolean = () => true) =>
  firstValueFrom(p.events$.pipe(filter((e): e is Extract<PipelineEvent, { type: T }> => e.type === type && match(e as Extract<PipelineEvent, { type: T }>))));

/** the real position supervisor on the harness's adapters and clock (no wall-clock cron job) */
export const realSupervisor = ({ db, clock, alpaca }: SupervisorFactoryInput): PositionSupervisor =>
  createPositionSupervisor({ store: createPostgresTradeStore(db), clock, adapters: () => alpaca, tuning: { cron: false } });

/**
 * ingests and waits for the decision: a signal whose decision needs a broker read (a cold account
 * snapshot, a lapsed market clock) is answered `received` first, then decided in order
 */
export async function decide(p: Pick<KeelPipeline, 'ingestSignal' | 'decision'>, input: SignalInput): Promise<SignalAnswer> {
  const answer = await p.ingestSignal(input);
  if (answer.outcome !== 'received') return answer;
  const decided = await p.decision(answer.signalId);
  if (!decided) throw new Error(`signal ${answer.signalId} vanished`);
  return decided;
}
