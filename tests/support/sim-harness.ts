/** Starts the real simulated exchange (core + transport) on loopback with a ManualClock. */
import { ManualClock } from '../../src/clock/manual.clock.js';
import { createSimExchange } from '../../src/adapters/sim/engine/sim-exchange.js';
import type { SimExchangeCore } from '../../src/adapters/sim/exchange.types.js';
import { createSimServer, type SimServer, type SimServerOptions } from '../../src/adapters/sim/server/sim-server.js';

/** Monday 2026-11-23 10:00 New York: a regular session is open */
export const SESSION_OPEN = '2026-11-23T15:00:00Z';
export const ANY_KEY = { 'APCA-API-KEY-ID': 'any', 'APCA-API-SECRET-KEY': 'any' } as const;

export interface SimHarness {
  clock: ManualClock;
  core: SimExchangeCore;
  server: SimServer;
  /** fetch on the trading/data base URL with the any/any key pair */
  rest(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startSim(options: Partial<Omit<SimServerOptions, 'core' | 'clock'>> = {}, start = SESSION_OPEN): Promise<SimHarness> {
  const clock = new ManualClock(start);
  const core = createSimExchange({ clock, seed: 7 });
  const server = await createSimServer({ core, clock, ...options });
  return {
    clock,
    core,
    server,
    rest: (path, init = {}) =>
      fetch(`${server.tradingUrl}${path}`, { ...init, headers: { ...ANY_KEY, 'Content-Type': 'application/json', ...(init.headers as Record<string, string> | undefined) } }),
    close: () => server.close(),
  };
}

export function marketBuy(symbol: string, clientOrderId: string, qty = '1'): RequestInit {
  return {
    method: 'POST',
    body: JSON.stringify({ symbol, qty, side: 'buy', type: 'market', time_in_force: 'day', client_order_id: clientOrderId }),
  };
}

export function limitBuy(symbol: string, clientOrderId: string, limitPrice: string): RequestInit {
  return {
    method: 'POST',
    body: JSON.stringify({ symbol, qty: '1', side: 'buy', type: 'limit', time_in_force: 'day', limit_price: limitPrice, client_order_id: clientOrderId }),
  };
}
