import nodeCron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { NY_TIME_ZONE, scheduleNyCron, type CronEngine } from '../../../src/lib/ny-cron.js';

/** a cron engine ticked by hand: records what was scheduled and whether it was destroyed */
function fakeEngine() {
  const scheduled: { expression: string; options: { timezone: string; name: string }; tick: () => void; destroyed: boolean }[] = [];
  const engine: CronEngine = {
    schedule(expression, tick, options) {
      const entry = { expression, options, tick, destroyed: false };
      scheduled.push(entry);
      return { destroy: () => { entry.destroyed = true; } };
    },
  };
  return { engine, scheduled };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** one turn of the event loop (no timer): the run's settle callbacks have run */
const settled = () => new Promise<void>((resolve) => { setImmediate(resolve); });

describe('scheduleNyCron', () => {
  it('schedules the expression in New York time under its name', () => {
    const { engine, scheduled } = fakeEngine();
    scheduleNyCron({ name: 'keel-test', expression: '45 15 * * 1-5', run: () => undefined, onError: () => undefined }, engine);
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]).toMatchObject({ expression: '45 15 * * 1-5', options: { timezone: NY_TIME_ZONE, name: 'keel-test' } });
    expect(NY_TIME_ZONE).toBe('America/New_York');
  });

  it('skips (and warns about) a tick while the previous run has not settled: runs never overlap', async () => {
    const { engine, scheduled } = fakeEngine();
    const warnings: string[] = [];
    const gates: ReturnType<typeof deferred>[] = [];
    const job = scheduleNyCron({
      name: 'keel-test', expression: '0 9 * * 1-5',
      run: () => { const gate = deferred(); gates.push(gate); return gate.promise; },
      onError: (message) => { warnings.push(message); },
    }, engine);
    scheduled[0]!.tick();
    expect(job.busy).toBe(true);
    scheduled[0]!.tick();
    expect(gates).toHaveLength(1);
    expect(warnings).toEqual(['keel-test: the previous run is still going; this one is skipped']);
    gates[0]!.resolve();
    await settled();
    expect(job.busy).toBe(false);
    scheduled[0]!.tick();
    expect(gates).toHaveLength(2);
  });

  it('warns a run that throws or rejects, never throws it, and runs the next tick', async () => {
    const { engine, scheduled } = fakeEngine();
    const failures: { message: string; error: unknown }[] = [];
    let calls = 0;
    const job = scheduleNyCron({
      name: 'keel-test', expression: '0 9 * * 1-5',
      run: () => {
        calls++;
        if (calls === 1) throw new Error('sync boom');
        return Promise.reject(new Error('async boom'));
      },
      onError: (message, error) => { failures.push({ message, error }); },
    }, engine);
    expect(() => scheduled[0]!.tick()).not.toThrow();
    expect(job.busy).toBe(false);
    scheduled[0]!.tick();
    await settled();
    expect(calls).toBe(2);
    expect(failures.map((f) => [f.message, (f.error as Error).message])).toEqual([['keel-test failed', 'sync boom'], ['keel-test failed', 'async boom']]);
    expect(job.busy).toBe(false);
  });

  it('stop() destroys the task (once) and a late tick runs nothing', async () => {
    const { engine, scheduled } = fakeEngine();
    let runs = 0;
    const job = scheduleNyCron({ name: 'keel-test', expression: '30 9 * * 1-5', run: () => { runs++; }, onError: () => undefined }, engine);
    await job.stop();
    await job.stop();
    expect(scheduled[0]!.destroyed).toBe(true);
    scheduled[0]!.tick();
    expect(runs).toBe(0);
  });

  it('with the real node-cron: an invalid expression throws at scheduling, a valid one starts and stops', async () => {
    expect(() => scheduleNyCron({ name: 'keel-bad', expression: 'not a cron', run: () => undefined, onError: () => undefined })).toThrow();
    const job = scheduleNyCron({ name: 'keel-real', expression: '0 0 1 1 *', run: () => undefined, onError: () => undefined });
    expect(nodeCron.getTasks().size).toBeGreaterThan(0);
    await job.stop();
    expect([...nodeCron.getTasks().values()].some((t) => t.name === 'keel-real')).toBe(false);
  });
});
