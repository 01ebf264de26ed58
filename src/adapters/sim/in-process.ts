/**
 * The simulated exchange started inside Keel's own process (npm start with no Alpaca keys):
 * the real transport on a free loopback port, advanced every SYNC_EVERY_MS of the injected clock
 * (prices, executions, expiries: on the demo's N× clock too), plus the env-like record that points
 * Keel's Alpaca adapter at it.
 */
import type { Clock } from '../../ports/clock.port.js';
import { createSimExchange } from './engine/sim-exchange.js';
import { createSimServer, type SimServer } from './server/sim-server.js';

const SYNC_EVERY_MS = 250;

export interface InProcessSim {
  server: SimServer;
  /** ALPACA_* variables for resolveAlpacaUrls(…, 'paper') */
  env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

export interface InProcessSimOptions {
  clock: Clock;
  seed?: number;
  host?: string;
  /** 0 = any free port */
  port?: number;
  /** market open around the clock (demos) */
  pinnedOpen?: boolean;
  onError?: (error: unknown) => void;
}

export async function startInProcessSim(opts: InProcessSimOptions): Promise<InProcessSim> {
  const core = createSimExchange({ clock: opts.clock, seed: opts.seed ?? 1, pinnedOpen: opts.pinnedOpen ?? false });
  const server = await createSimServer({ core, clock: opts.clock, host: opts.host, port: opts.port, onError: opts.onError });
  const stopped = new AbortController();
  const syncLoop = async () => {
    try {
      for (;;) {
        await opts.clock.sleep(SYNC_EVERY_MS, stopped.signal);
        try {
          core.sync();
        } catch (error) {
          opts.onError?.(error);
        }
      }
    } catch {
      // stopped
    }
  };
  void syncLoop();
  return {
    server,
    env: {
      ALPACA_PAPER_URL: server.tradingUrl,
      ALPACA_DATA_URL: server.dataUrl,
      ALPACA_DATA_STREAM_URL: server.dataStreamUrl('iex'),
      ALPACA_API_KEY: 'keel-sim',
      ALPACA_API_SECRET: 'keel-sim-secret',
    },
    stop: async () => {
      stopped.abort(new Error('stopped'));
      await server.close();
    },
  };
}
