/**
 * A control facade on real PostgreSQL (test-db.ts) against the real simulated exchange through
 * the real Alpaca adapter. Three clocks, none of them sleeping: the sim's, the adapter's REST one
 * (auto-advancing, so its own HTTP retries against a faulted sim finish at once) and the control's
 * (the reconciliation backoff the test advances by hand). The stream clients get the sim's clock,
 * never the auto-advancing one: their heartbeat / handshake / reconnect loops would spin on it.
 */
import { filter, firstValueFrom } from 'rxjs';
import { createAlpacaAdapters, type AlpacaAdapters } from '../../src/adapters/alpaca/index.js';
import { resolveAlpacaUrls } from '../../src/adapters/alpaca/urls.js';
import { listJournal, listTrades } from '../../src/adapters/postgres/index.js';
import { ManualClock } from '../../src/clock/manual.clock.js';
import { createBotControl, type ControlEvent, type KeelBotControl } from '../../src/control/lifecycle/bot-control.js';
import type { BotState, TradingModeName } from '../../src/domain/bot-config.js';
import type { JournalKind } from '../../src/domain/journal.js';
import { dec } from '../../src/domain/money.js';
import type { OrderRequest } from '../../src/domain/order.js';
import { SESSION_OPEN, startSim, type SimHarness } from './sim-harness.js';
import type { TestDb } from './test-db.js';

export interface ControlHarness {
  sim: SimHarness;
  alpaca: AlpacaAdapters;
  clock: ManualClock;
  /** whether switchBroker('live') finds credentials */
  liveCredentials: { value: boolean };
  switched: TradingModeName[];
  /** a NEW facade on the same database and broker (a restart) */
  newControl(): KeelBotControl;
  close(): Promise<void>;
}

export async function startControlHarness(t: TestDb): Promise<ControlHarness> {
  const sim = await startSim({ onError: (error) => { throw error; } });
  const resolved = resolveAlpacaUrls({
    ALPACA_PAPER_URL: sim.server.tradingUrl, ALPACA_DATA_URL: sim.server.dataUrl, ALPACA_DATA_STREAM_URL: sim.server.dataStreamUrl('iex'),
    ALPACA_API_KEY: 'PKSIMKEY', ALPACA_API_SECRET: 'sim-secret',
  }, 'paper');
  const rest = createAlpacaAdapters(resolved, { clock: new ManualClock(SESSION_OPEN, true), random: () => 0.5, timeoutClock: new ManualClock(SESSION_OPEN) });
  const streams = createAlpacaAdapters(resolved, { clock: sim.clock, random: () => 0.5, timeoutClock: new ManualClock(SESSION_OPEN) });
  const alpaca: AlpacaAdapters = { ...rest, tradeStream: streams.tradeStream, marketDataStream: streams.marketDataStream };
  const clock = new ManualClock(SESSION_OPEN);
  const liveCredentials = { value: true };
  const switched: TradingModeName[] = [];
  const controls: KeelBotControl[] = [];
  return {
    sim, alpaca, clock, liveCredentials, switched,
    newControl() {
      const control = createBotControl({
        db: t.db, clock, broker: () => alpaca.broker, random: () => 0.5, reconcileRetry: { baseMs: 1_000, maxMs: 30_000 },
        switchBroker: (mode) => {
          if (mode === 'live' && !liveCredentials.value) return false;
          switched.push(mode);
          return true;
        },
      });
      controls.push(control);
      return control;
    },
    async close() {
      for (const c of controls) await c.shutdown().catch(() => undefined);
      await sim.close();
    },
  };
}

export const nextEvent = <T extends ControlEvent['type']>(control: KeelBotControl, type: T, match: (e: Extract<ControlEvent, { type: T }>) => boolean = () => true) =>
  firstValueFrom(control.events$.pipe(filter((e): e is Extract<ControlEvent, { type: T }> => e.type === type && match(e as Extract<ControlEvent, { type: T }>))));

export const stateIs = (control: KeelBotControl, state: BotState) => nextEvent(control, 'state', (e) => e.state === state);

/** boots and waits for the first successful reconciliation */
export async function bootReconciled(control: KeelBotControl) {
  const reconciled = nextEvent(control, 'reconciled');
  await control.boot();
  return (await reconciled).report;
}

export async function persistedState(t: TestDb): Promise<BotState> {
  const row = await t.db.selectFrom('bot_config').select('state').executeTakeFirst();
  return (row?.state ?? 'stopped') as BotState;
}

export const journalOf = (t: TestDb, kinds: JournalKind[]) => listJournal(t.db, { kinds, limit: 1000 });
export const liveTrades = (t: TestDb) => listTrades(t.db, { statuses: ['pending_entry', 'open', 'exiting'] });

export const marketOrder = (symbol: string, side: 'buy' | 'sell', qty: string, clientOrderId: string): OrderRequest =>
  ({ symbol, side, type: 'market', timeInForce: 'day', clientOrderId, qty: dec(qty) });

export const limitOrder = (symbol: string, qty: string, limit: string, clientOrderId: string): OrderRequest =>
  ({ ...marketOrder(symbol, 'buy', qty, clientOrderId), type: 'limit', limitPrice: dec(limit) });
