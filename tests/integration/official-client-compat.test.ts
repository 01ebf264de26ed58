/**
 * Compatibility: Alpaca's own JS SDK (@alpacahq/alpaca-trade-api, a dev dependency used only here)
 * pointed at the simulated exchange reads the account, submits and cancels orders, lists positions
 * and receives trade_updates. If the sim drifts from Alpaca's wire protocol, the official client's
 * generated deserialisers and stream handshake are the first to notice.
 *
 * The SDK has no base-URL option for REST; it takes a `fetchApi`, so the test gives it one that
 * sends every request to the sim (the host is rewritten, nothing else). Streams take a `url`.
 */
import { Alpaca } from '@alpacahq/alpaca-trade-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type SimHarness } from '../support/sim-harness.js';

type Fetch = typeof fetch;

function fetchTo(baseUrl: string): Fetch {
  return (input, init) => {
    const original = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const target = new URL(original.pathname + original.search, baseUrl);
    return fetch(target, init);
  };
}

interface StreamUpdate {
  event: string;
  order: { id?: string; clientOrderId?: string; status?: string };
}

describe('the official Alpaca JS client against the simulated exchange', () => {
  let sim: SimHarness;
  let alpaca: Alpaca;

  beforeEach(async () => {
    sim = await startSim();
    alpaca = new Alpaca({
      keyId: 'compat-key',
      secret: 'compat-secret',
      paper: true,
      retry: false,
      rateLimit: false,
      fetchApi: fetchTo(sim.server.tradingUrl),
    });
  });

  afterEach(async () => {
    await sim.close();
  });

  it('reads the account and the clock', async () => {
    const account = await alpaca.trading.account.getAccount();
    expect(String(account.cash)).toBe('100000');
    expect(account.status).toBe('ACTIVE');
    const clock = await alpaca.trading.clock.legacyClock();
    expect(clock.isOpen).toBe(true);
  });

  it('submits a market order, receives its fill on trade_updates, and lists the position', async () => {
    const stream = alpaca.trading.stream({ url: sim.server.tradeStreamUrl, pingIntervalMs: 0, reconnect: false });
    const updates: StreamUpdate[] = [];
    const filled = new Promise<StreamUpdate>((resolve) => {
      stream.onTradeUpdate((u) => {
        const update = u as unknown as StreamUpdate;
        updates.push(update);
        if (update.event === 'fill') resolve(update);
      });
    });
    stream.subscribeTradeUpdates();
    stream.connect();
    const auth = await stream.whenAuthenticated();
    expect(auth.authenticated).toBe(true);
    // wait until the sim lists this client as a trade_updates listener before placing the order
    await waitForListener(sim);

    const order = await alpaca.trading.orders.market({ symbol: 'AAPL', side: 'buy', qty: 2, clientOrderId: 'compat-1' } as never);
    expect(order.clientOrderId).toBe('compat-1');
    const fill = await filled;
    expect(fill.order.clientOrderId).toBe('compat-1');
    expect(updates.map((u) => u.event)).toEqual(expect.arrayContaining(['new', 'fill']));

    const positions = await alpaca.trading.positions.getAllOpenPositions();
    expect(positions.map((p) => [p.symbol, String(p.qty)])).toEqual([['AAPL', '2']]);
    stream.disconnect();
  });

  it('cancels an open order and finds it canceled by client order id', async () => {
    sim.core.faults.holdFills(true);
    const order = await alpaca.trading.orders.limit({ symbol: 'MSFT', side: 'buy', qty: 1, limitPrice: 1, clientOrderId: 'compat-2' } as never);
    await alpaca.trading.orders.deleteOrderByOrderID({ orderId: String(order.id) });
    const again = await alpaca.trading.orders.getOrderByClientOrderId({ clientOrderId: 'compat-2' });
    expect(again.status).toBe('canceled');
  });
});

async function waitForListener(sim: SimHarness): Promise<void> {
  // Bounded poll on the sim's own state, yielding to the event loop (no timed sleep).
  for (let i = 0; i < 1000 && sim.server.faults.tradeStreamListeners() === 0; i++) {
    await new Promise((r) => setImmediate(r));
  }
  expect(sim.server.faults.tradeStreamListeners()).toBeGreaterThan(0);
}
