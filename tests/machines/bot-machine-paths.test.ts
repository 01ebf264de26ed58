/**
 * The bot machine's context (what it knows about reconciliation and the last failures), its mode
 * switch, and the proof that the tests take every transition it defines: the last test compares
 * the transitions this file's actors took (XState's inspect microsteps) with the machine's own
 * definition, so a transition added without a test fails here.
 */
import { describe, expect, it } from 'vitest';
import { createActor, waitFor } from 'xstate';
import type { BotState } from '../../src/domain/bot-config.js';
import { botMachine, isSettling, isStarting, ModeUnavailableError, ReconcileFailedError, reportedState } from '../../src/machines/bot.machine.js';
import { allTransitions, driveTo, ev, harness, taken, type BotHarness } from '../support/bot-machine-harness.js';

const DAY_MS = 86_400_000;

/** a harness whose actor sits in `state`: the settled ones, or mid-start / mid-switch / mid-commit */
async function inState(state: BotState | 'starting' | 'switchingMode' | 'committing'): Promise<BotHarness> {
  if (state === 'starting') { const h = harness('stopped'); h.actor.send(ev.START); return h; }
  if (state === 'switchingMode') { const h = harness('stopped'); h.actor.send(ev.SWITCH_MODE); return h; }
  if (state === 'committing') {
    const h = harness('running');
    h.reconciles[0]!.resolve();
    await waitFor(h.actor, (s) => s.matches('committing'));
    return h;
  }
  return driveTo(state);
}

describe('bot machine: reconciled is context, set by the reconcile invoke', () => {
  it('is false until a start reconciles, then true (onDone)', async () => {
    const h = harness('stopped');
    expect(h.actor.getSnapshot().context.reconciled).toBe(false);
    h.actor.send(ev.START);
    h.reconciles[0]!.resolve();
    await h.settled();
    expect(h.actor.getSnapshot().context).toMatchObject({ reconciled: true, lastStartFailure: null });
  });

  it('a failed start (onError) returns to stopped, unreconciled, keeping why and whether the broker failed', async () => {
    const h = harness('stopped');
    h.actor.send(ev.RECONCILED);
    h.actor.send(ev.START);
    h.reconciles[0]!.reject(new ReconcileFailedError('connect ECONNREFUSED', true));
    await h.settled();
    expect(h.state()).toBe('stopped');
    expect(h.actor.getSnapshot().context).toMatchObject({
      reconciled: false, lastError: 'connect ECONNREFUSED', lastStartFailure: { message: 'connect ECONNREFUSED', brokerFailure: true },
    });
    expect(h.persisted).toEqual([]);
  });

  it('a failure that is not the broker\'s is told apart, and the next start clears it', async () => {
    const h = harness('stopped');
    h.actor.send(ev.START);
    h.reconciles[0]!.reject(new Error('relation "bot_trade" does not exist'));
    await h.settled();
    expect(h.actor.getSnapshot().context.lastStartFailure).toEqual({ message: 'relation "bot_trade" does not exist', brokerFailure: false });
    h.actor.send(ev.START);
    expect(h.actor.getSnapshot().context).toMatchObject({ lastStartFailure: null, lastError: null });
    h.reconciles[1]!.resolve();
    await h.settled();
    expect(h.state()).toBe('running');
  });

  it('a restored running is reconciled once its restore succeeds', async () => {
    const h = harness('running');
    h.reconciles[0]!.resolve();
    await h.settled();
    expect(h.actor.getSnapshot().context.reconciled).toBe(true);
  });

  it.each(['stopped', 'running', 'paused', 'halted', 'starting', 'switchingMode', 'committing'] as const)(
    'in %s, a reconciliation run beside the machine sets reconciled and changes nothing else',
    async (state) => {
      const h = await inState(state);
      const before = h.actor.getSnapshot();
      h.actor.send(ev.RECONCILED);
      expect(h.actor.getSnapshot().value).toEqual(before.value);
      expect(h.actor.getSnapshot().context).toEqual({ ...before.context, reconciled: true });
      h.actor.send(ev.RECONCILE_FAILED);
      expect(h.actor.getSnapshot().value).toEqual(before.value);
      expect(h.actor.getSnapshot().context).toEqual({ ...before.context, reconciled: false });
    },
  );
});

describe('bot machine: the mode switch', () => {
  it('is accepted in stopped: switchingMode runs the effect with from, to and cause, reported as stopped', async () => {
    const h = harness('stopped');
    h.actor.send(ev.RECONCILED);
    h.actor.send(ev.SWITCH_MODE);
    const snap = h.actor.getSnapshot();
    expect(snap.matches('switchingMode')).toBe(true);
    expect([reportedState(snap), isSettling(snap), isStarting(snap)]).toEqual(['stopped', true, false]);
    expect(h.switches.map((s) => s.input)).toEqual([{ from: 'paper', to: 'live', cause: 'test' }]);
    h.switches[0]!.resolve();
    await h.settled();
    expect(h.actor.getSnapshot().value).toBe('stopped');
    // the new account has not been reconciled yet
    expect(h.actor.getSnapshot().context).toMatchObject({ reconciled: false, lastSwitchFailure: null, lastError: null });
    expect(h.persisted).toEqual([]);
  });

  it('stays stopped when the mode has no broker, saying so', async () => {
    const h = harness('stopped');
    h.actor.send(ev.SWITCH_MODE);
    h.switches[0]!.reject(new ModeUnavailableError('no Alpaca credentials are configured for live trading'));
    await h.settled();
    expect(h.actor.getSnapshot().value).toBe('stopped');
    expect(h.actor.getSnapshot().context.lastSwitchFailure).toEqual({ message: 'no Alpaca credentials are configured for live trading', unavailable: true });
  });

  it('stays stopped when writing the mode fails, and the next switch clears the failure', async () => {
    const h = harness('stopped');
    h.actor.send(ev.SWITCH_MODE);
    h.switches[0]!.reject(new Error('database down'));
    await h.settled();
    expect(h.actor.getSnapshot().context).toMatchObject({ lastSwitchFailure: { message: 'database down', unavailable: false }, lastError: 'could not switch the mode: database down' });
    h.actor.send(ev.SWITCH_MODE);
    expect(h.actor.getSnapshot().context).toMatchObject({ lastSwitchFailure: null, lastError: null });
  });

  it.each(['running', 'paused', 'halted', 'starting', 'switchingMode', 'committing'] as const)('is refused in %s: nothing runs, nothing changes', async (state) => {
    const h = await inState(state);
    const before = h.actor.getSnapshot();
    const switches = h.switches.length;
    expect(before.can(ev.SWITCH_MODE)).toBe(false);
    h.actor.send(ev.SWITCH_MODE);
    expect(h.actor.getSnapshot().value).toEqual(before.value);
    expect(h.actor.getSnapshot().context).toEqual(before.context);
    expect(h.switches.length).toBe(switches);
  });

  it.each(['START', 'PAUSE', 'RESUME', 'STOP', 'HALT', 'ACKNOWLEDGE_HALT'] as const)('is not interrupted by %s', (event) => {
    const h = harness('stopped');
    h.actor.send(ev.SWITCH_MODE);
    expect(h.actor.getSnapshot().can(ev[event])).toBe(false);
    h.actor.send(ev[event]);
    expect(h.actor.getSnapshot().matches('switchingMode')).toBe(true);
    expect(h.switches[0]!.signal.aborted).toBe(false);
  });
});

describe('bot machine: time and data', () => {
  it('waits on no timer: a start stays starting however long reconciliation takes (its retries are the effect\'s)', async () => {
    const h = harness('stopped');
    h.actor.send(ev.START);
    h.clock.increment(DAY_MS);
    expect(h.actor.getSnapshot().matches('starting')).toBe(true);
    h.reconciles[0]!.resolve();
    await h.settled();
    expect(h.state()).toBe('running');
  });

  it('keeps data only: every snapshot\'s context survives JSON and structuredClone', async () => {
    const h = harness('stopped');
    const contexts = [h.actor.getSnapshot().context];
    h.actor.subscribe((s) => contexts.push(s.context));
    h.actor.send(ev.START);
    h.reconciles[0]!.reject(new ReconcileFailedError('broker down', true));
    await h.settled();
    h.actor.send(ev.SWITCH_MODE);
    h.switches[0]!.reject(new ModeUnavailableError('no credentials'));
    await h.settled();
    h.actor.send(ev.HALT);
    await h.settled();
    expect(contexts.length).toBeGreaterThan(5);
    for (const context of contexts) {
      expect(JSON.parse(JSON.stringify(context))).toEqual(context);
      expect(structuredClone(context)).toEqual(context);
    }
  });

  it('fails loudly when nobody provided its effects', async () => {
    const actor = createActor(botMachine, { input: { restored: 'stopped' } }).start();
    actor.send(ev.START);
    const afterStart = await waitFor(actor, (s) => !isSettling(s));
    expect(afterStart.context.lastStartFailure?.message).toBe('reconcile effect not provided');
    actor.send(ev.SWITCH_MODE);
    const afterSwitch = await waitFor(actor, (s) => !isSettling(s));
    expect(afterSwitch.context.lastSwitchFailure?.message).toBe('switchMode effect not provided');
    actor.send(ev.HALT);
    const afterHalt = await waitFor(actor, (s) => !isSettling(s));
    expect([afterHalt.value, afterHalt.context.lastError]).toEqual(['stopped', 'could not persist the transition: persist effect not provided']);
  });
});

describe('bot machine: every transition is taken', () => {
  /** one scenario per transition not already taken above; each ends settled */
  const walks: [string, () => Promise<void>][] = [
    ...(['running', 'paused', 'halted', 'stopped'] as const).map((restored): [string, () => Promise<void>] => [`restores ${restored}`, async () => {
      const h = harness(restored);
      if (restored === 'running') h.reconciles[0]!.resolve();
      await h.settled();
    }]),
    ...([['running', 'PAUSE'], ['running', 'STOP'], ['running', 'HALT'], ['paused', 'RESUME'], ['paused', 'STOP'], ['paused', 'HALT'], ['halted', 'ACKNOWLEDGE_HALT'], ['stopped', 'HALT']] as const)
      .flatMap(([from, event]) => [true, false].map((fail): [string, () => Promise<void>] => [`${from} --${event}--> (persist ${fail ? 'fails' : 'succeeds'})`, async () => {
        const h = await driveTo(from);
        h.failPersist.value = fail;
        h.actor.send(ev[event]);
        await h.settled();
      }])),
    ...(['STOP', 'HALT'] as const).map((event): [string, () => Promise<void>] => [`starting --${event}-->`, async () => {
      const h = harness('stopped');
      h.actor.send(ev.START);
      h.actor.send(ev[event]);
      await h.settled();
    }]),
  ];

  it.each(walks)('%s', async (_name, walk) => { await walk(); });

  it('the tests in this file took every transition the machine defines', () => {
    const defined = allTransitions();
    // the walk sees nested and targetless transitions too, not an empty list
    expect(defined).toEqual(expect.arrayContaining(['bot --RECONCILED--> (stays)', 'bot.switchingMode --xstate.error.actor.switchMode--> bot.stopped']));
    expect(defined.filter((t) => !taken.has(t))).toEqual([]);
  });
});
