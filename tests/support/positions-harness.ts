/**
 * A position supervisor on real PostgreSQL against the simulated exchange over loopback, all on
 * the sim's ManualClock (prices, max hold, session close and the snapshot poll share one time).
 */
import { filter, firstValueFrom } from 'rxjs';
import { createAlpacaAdapters, type AlpacaAdapters } from '../../src/adapters/alpaca/index.js';
import { resolveAlpacaUrls } from '../../src/adapters/alpaca/urls.js';
import { createPostgresTradeStore, getTrade, insertTrade, saveBotSettings } from '../../src/adapters/postgres/index.js';
import type { BrokerStopMode } from '../../src/domain/bot-config.js';
import { createPositionSupervisor, type PositionTuning } from '../../src/actors/position-supervisor.js';
import type { PositionEvent, PositionSupervisor } from '../../src/actors/position-supervisor.types.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { dec } from '../../src/domain/money.js';
import type { Trade } from '../../src/domain/trade.js';
import { SESSION_OPEN, startSim, type SimHarness } from './sim-harness.js';
import type { TestDb } from './test-db.js';

export interface PositionsHarness {
  sim: SimHarness;
  /** the adapter's request-timeout clock */
  timeouts: ManualClock;
  alpaca: AlpacaAdapters;
  supervisor: PositionSupervisor;
  newSupervisor(): PositionSupervisor;
  next<T extends PositionEvent['type']>(type: T, match?: (e: Extract<PositionEvent, { type: T }>) => boolean, from?: PositionSupervisor): Promise<Extract<PositionEvent, { type: T }>>;
  /** inserts a pending_entry trade, sends the notional buy, hands the outcome to the supervisor */
  enter(symbol: string, notional?: string): Promise<Trade>;
  /** resolves when the data stream has subscribed `symbol` */
  subscribed(symbol: string): Promise<unknown>;
  close(): Promise<void>;
}

let seq = 0;

/**
 * `stops`: the bot's brokerStopMode for the run. 'off' unless a test is about the protective stop:
 * a stop at the hard-stop level races Keel's own hard stop on the same tick (either may sell), and
 * these tests pin down Keel's own exit mechanics.
 */
export async function startPositionsHarness(t: TestDb, tuning: PositionTuning = {}, start = SESSION_OPEN, stops: BrokerStopMode = 'off'): Promise<PositionsHarness> {
  const sim = await startSim({ onError: (error) => { throw error; } }, start);
  await saveBotSettings(t.db, { brokerStopMode: stops }, sim.clock.now());
  const resolved = resolveAlpacaUrls({
    ALPACA_PAPER_URL: sim.server.tradingUrl, ALPACA_DATA_URL: sim.server.dataUrl, ALPACA_DATA_STREAM_URL: sim.server.dataStreamUrl('iex'),
    ALPACA_API_KEY: 'PKSIMKEY', ALPACA_API_SECRET: 'sim-secret',
  }, 'paper');
  // the sim's clock: a self-advancing clock would spin the streams' heartbeat and reconnect loops
  const timeouts = new ManualClock(start);
  const alpaca = createAlpacaAdapters(resolved, { clock: sim.clock, random: () => 0.5, timeoutClock: timeouts });
  const supervisors: PositionSupervisor[] = [];
  const newSupervisor = () => {
    const s = createPositionSupervisor({ store: createPostgresTradeStore(t.db), clock: sim.clock, adapters: () => alpaca, tuning: { cron: false, ...tuning } });
    supervisors.push(s);
    return s;
  };
  const h: PositionsHarness = {
    sim, timeouts, alpaca, supervisor: newSupervisor(), newSupervisor,
    next(type, match = () => true, from = h.supervisor) {
      return firstValueFrom(from.events$.pipe(filter((e): e is never => e.type === type && match(e as never)))) as never;
    },
    subscribed(symbol) {
      return firstValueFrom(alpaca.marketDataStream.events$.pipe(filter((e) => e.type === 'subscription' && e.subscription.trades.includes(symbol))));
    },
    async enter(symbol, notional = '1000') {
      const coid = `keel-${symbol}-${++seq}`;
      const trade = await insertTrade(t.db, { symbol, side: 'buy', status: 'pending_entry', entryClientOrderId: coid, notional: dec(notional) }, sim.clock.now());
      const outcome = await alpaca.broker.submitOrder({ symbol, side: 'buy', type: 'market', timeInForce: 'day', clientOrderId: coid, notional: dec(notional) });
      h.supervisor.entrySubmitted(trade, outcome);
      return trade;
    },
    async close() {
      for (const s of supervisors) await s.stop().catch(() => undefined);
      await alpaca.tradeStream.stop();
      await alpaca.marketDataStream.stop();
      await sim.close();
    },
  };
  return h;
}

export async function reload(t: TestDb, id: string): Promise<Trade> {
  const trade = await getTrade(t.db, id);
  if (!trade) throw new Error(`trade ${id} missing`);
  return trade;
}
