/**
 * Composition root (for now: the broker boundary). Reads the environment, starts the simulated
 * exchange in-process when no paper keys are configured, connects Keel's Alpaca adapter to the
 * broker and follows its trade_updates stream until Ctrl-C. The persistent service (database,
 * lifecycle machine, control API) replaces the body of run() in its own issue.
 *
 * Invariants: a live run never falls back to the simulator; secrets are never printed; an invalid
 * configuration stops the start with every problem listed.
 */
import { systemClock } from './clock/system.clock.js';
import { createAlpacaAdapters, resolveAlpacaUrls } from './adapters/alpaca/index.js';
import { createSimExchange } from './adapters/sim/engine/sim-exchange.js';
import { createSimServer, type SimServer } from './adapters/sim/server/sim-server.js';
import type { TradingMode } from './ports/broker.port.js';
import { toIso } from './domain/time.js';

type Env = Readonly<Record<string, string | undefined>>;

interface StartPlan {
  mode: TradingMode;
  /** start the in-process simulated exchange and point the adapter at it */
  useSim: boolean;
  problems: string[];
}

function planStart(env: Env): StartPlan {
  const problems: string[] = [];
  const modeText = (env.KEEL_MODE ?? 'paper').trim();
  const mode: TradingMode = modeText === 'live' ? 'live' : 'paper';
  if (modeText !== 'paper' && modeText !== 'live') problems.push(`KEEL_MODE must be paper or live (got ${JSON.stringify(modeText)})`);
  const paperKeysAbsent = !env.ALPACA_API_KEY?.trim() && !env.ALPACA_API_SECRET?.trim();
  return { mode, useSim: mode === 'paper' && paperKeysAbsent, problems };
}

async function startInProcessSim(): Promise<{ server: SimServer; env: Env; stop: () => Promise<void> }> {
  const core = createSimExchange({ clock: systemClock, seed: 1 });
  const server = await createSimServer({ core, clock: systemClock });
  const timer = setInterval(() => core.sync(), 250);
  const env: Env = {
    ALPACA_PAPER_URL: server.tradingUrl,
    ALPACA_DATA_URL: server.dataUrl,
    ALPACA_DATA_STREAM_URL: server.dataStreamUrl('iex'),
    ALPACA_API_KEY: 'keel-sim',
    ALPACA_API_SECRET: 'keel-sim-secret',
  };
  return { server, env, stop: async () => { clearInterval(timer); await server.close(); } };
}

async function run(env: Env): Promise<void> {
  const plan = planStart(env);
  const sim = plan.useSim && plan.problems.length === 0 ? await startInProcessSim() : null;
  const resolved = resolveAlpacaUrls(sim ? { ...env, ...sim.env } : env, plan.mode);
  const problems = [...plan.problems, ...resolved.problems];
  if (problems.length > 0) {
    await sim?.stop();
    console.error(`Keel cannot start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exitCode = 1;
    return;
  }
  const adapters = createAlpacaAdapters(resolved, { clock: systemClock, random: Math.random });
  const [account, clock] = await Promise.all([adapters.broker.getAccount(), adapters.broker.getClock()]);
  console.log(`Keel — ${plan.mode} mode, broker ${sim ? `simulated exchange at ${resolved.urls.trading}` : resolved.urls.trading}
  account ${account.accountNumber}: equity ${account.equity.toFixed(2)}, cash ${account.cash.toFixed(2)}, buying power ${account.buyingPower.toFixed(2)}
  market ${clock.isOpen ? 'open' : 'closed'} (next open ${toIso(clock.nextOpen)}, next close ${toIso(clock.nextClose)})
Following trade_updates. Ctrl-C stops.`);
  const subscription = adapters.tradeStream.events$.subscribe((event) => {
    if (event.type === 'trade_update') console.log(`trade_update ${event.update.event} ${event.update.order.symbol} ${event.update.order.clientOrderId}`);
    else if (event.type !== 'resynced') console.log(`trade stream ${event.type}${'reason' in event ? `: ${event.reason}` : ''}${'error' in event ? `: ${event.error}` : ''}`);
  });
  adapters.tradeStream.start();
  const stop = async () => {
    subscription.unsubscribe();
    await adapters.tradeStream.stop();
    await sim?.stop();
    console.log('Keel stopped.');
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

run(process.env).catch((error: unknown) => {
  console.error('Keel failed to start:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
