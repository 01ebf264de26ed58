/**
 * Forks tests/support/sim-child.ts (the simulated exchange in its own process, so it survives a
 * Keel killed with SIGKILL) and talks to it over IPC. The child never outlives the test process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { SimChildReady, SimChildRequest } from './sim-child.js';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sim-child.ts');

export interface SimChild extends SimChildReady {
  /** ALPACA_* variables pointing a Keel process at this exchange (paper) */
  env: Record<string, string>;
  ask<T = unknown>(request: SimChildRequest): Promise<T>;
  /** the client order id of the next exit POST the child withholds (after 'holdNextExit') */
  nextHeldExit(): Promise<string>;
  stop(): Promise<void>;
}

/** `symbolLimit`: the data stream's (default 30, as Alpaca's free IEX feed; a paid SIP feed has none) */
export async function startSimChild(symbols: Record<string, number>, options: { symbolLimit?: number } = {}): Promise<SimChild> {
  const child: ChildProcess = fork(SCRIPT, [JSON.stringify(symbols), JSON.stringify(options)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const killOnExit = () => { child.kill('SIGKILL'); };
  process.once('exit', killOnExit);
  const exited = once(child, 'exit');
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    void exited.then(() => reject(new Error('sim-child exited before it was ready')));
  });
  const ready = JSON.parse(line) as SimChildReady;
  let seq = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const heldExits: string[] = [];
  const heldWaiters: Array<(coid: string) => void> = [];
  child.on('message', (raw) => {
    const m = raw as { id?: number; ok?: boolean; value?: unknown; error?: string; event?: string; clientOrderId?: string };
    if (m.event === 'exit-held') {
      const waiter = heldWaiters.shift();
      if (waiter) waiter(m.clientOrderId ?? '');
      else heldExits.push(m.clientOrderId ?? '');
      return;
    }
    const p = m.id === undefined ? undefined : pending.get(m.id);
    if (!p) return;
    pending.delete(m.id!);
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(m.error));
  });
  return {
    ...ready,
    env: {
      ALPACA_API_KEY: 'keel-test', ALPACA_API_SECRET: 'keel-test-secret',
      ALPACA_PAPER_URL: ready.tradingUrl, ALPACA_DATA_URL: ready.dataUrl, ALPACA_DATA_STREAM_URL: ready.dataStreamUrl,
    },
    ask: <T>(request: SimChildRequest) => new Promise<T>((resolve, reject) => {
      const id = ++seq;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...request, id });
    }),
    nextHeldExit: () => {
      const held = heldExits.shift();
      return held !== undefined ? Promise.resolve(held) : new Promise((resolve) => heldWaiters.push(resolve));
    },
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
