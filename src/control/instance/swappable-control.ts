/**
 * A control facade whose implementation can be replaced while the HTTP app, the pipeline and the
 * CLI keep the same reference: the read-only facade while another instance holds the writer
 * lease, the real one after a takeover, the read-only one again when the lease is lost.
 * Invariants:
 *  - swap() takes effect synchronously: the next call goes to the new target (a call already in
 *    flight finishes on the old one); booting and shutting down the targets is the caller's job;
 *  - events$ carries the CURRENT target's events: on a swap the old target's stream is dropped
 *    and the new one's subscribed (switchMap), so nothing the old one says afterwards leaks out;
 *    events a target emitted before it was swapped in are not replayed;
 *  - shutdown() shuts the current target down and completes events$ (once that target's own
 *    events$ completes); a swap afterwards is refused.
 */
import { BehaviorSubject, switchMap } from 'rxjs';
import type { KeelBotControl } from '../lifecycle/bot-control.js';

export interface SwappableControl extends KeelBotControl {
  current(): KeelBotControl;
  /** routes every later call to `next`; answers the target it replaced */
  swap(next: KeelBotControl): KeelBotControl;
}

export function createSwappableControl(initial: KeelBotControl): SwappableControl {
  const targets = new BehaviorSubject<KeelBotControl>(initial);
  const target = (): KeelBotControl => targets.getValue();
  let ended = false;
  return {
    events$: targets.pipe(switchMap((t) => t.events$)),
    current: target,
    swap(next) {
      if (ended) throw new Error('SwappableControl: swap after shutdown');
      const previous = target();
      if (next !== previous) targets.next(next);
      return previous;
    },
    boot: () => target().boot(),
    async shutdown() {
      ended = true;
      await target().shutdown();
      targets.complete();
    },
    status: () => target().status(),
    act: (action, cause, detail) => target().act(action, cause, detail),
    cancelQueuedFlatten: (cause, reason) => target().cancelQueuedFlatten(cause, reason),
    halt: (reason, cause) => target().halt(reason, cause),
    entryGate: () => target().entryGate(),
    entryGateNow: () => target().entryGateNow(),
    reconcileNow: (cause) => target().reconcileNow(cause),
    getConfig: () => target().getConfig(),
    patchConfig: (patch, cause) => target().patchConfig(patch, cause),
    setMode: (mode, confirm, cause) => target().setMode(mode, confirm, cause),
    lastReconciliation: () => target().lastReconciliation(),
    lastReconciledReport: () => target().lastReconciledReport(),
    health: () => target().health(),
  };
}
