/**
 * What this instance starts when it becomes the writer (it holds the single-writer lease)
 * and what it drops when it stops being one. The writer guard (control/instance/writer-guard.ts)
 * decides WHEN; this decides WHAT.
 * Invariants:
 *  - transitions run one at a time, in the order they were asked for: a takeover waits until the
 *    previous step-down has finished;
 *  - becoming writer = the broker of the persisted mode connected → a NEW control whose events
 *    drive the position supervisor (subscribed before boot, so the restored state's first event
 *    starts it) → boot (restores the persisted state; 'running' only after reconciliation, exactly
 *    like a restart) → swapped in → the pipeline's background work started → a takeover (any
 *    acquisition after startup) journaled. A failure, or a loss or stop() while it ran, undoes all
 *    of it and rejects (the guard then releases the lease and tries again later);
 *  - a loss swaps the read-only facade in at once, synchronously (every later call, entry gate
 *    included, is refused), then stops the pipeline's background work, the supervisor, the control
 *    and the broker streams, then journals the loss (another instance may be writing by then: the
 *    journal is append-only, so one more row cannot corrupt it);
 *  - after stop() nothing becomes writer again.
 */
import type { Subscription } from 'rxjs';
import type { PositionSupervisor } from '../actors/position-supervisor.types.js';
import { appendJournal, type Db } from '../adapters/postgres/index.js';
import type { KeelBotControl } from '../control/lifecycle/bot-control.js';
import type { KeelPipeline } from '../control/pipeline/signal-service.js';
import type { SwappableControl } from '../control/instance/swappable-control.js';
import type { JournalInput } from '../domain/journal.js';
import type { Clock } from '../ports/clock.port.js';
import { driveSupervisor, settleFlatExits } from './supervisor-lifecycle.js';
import { SerialQueue } from '../lib/serial-queue.js';

export interface WriterRoleDeps {
  db: Db;
  clock: Clock;
  warn: (message: string, error?: unknown) => void;
  /** printable name of the lease, for the journal */
  leaseName: string;
  /** what the HTTP app and the pipeline hold */
  control: SwappableControl;
  /** the facade served while this instance does not write */
  readOnly: KeelBotControl;
  /** a new, not yet booted control over the connected broker (one per acquisition) */
  createControl: () => KeelBotControl;
  /** connects the broker of the persisted mode (its streams journal trade updates) */
  connect: () => Promise<void>;
  /** stops the broker streams */
  disconnect: () => Promise<void>;
  supervisor: Pick<PositionSupervisor, 'start' | 'stop' | 'applySettings' | 'applyReconciliation' | 'events$'>;
  /** its background work (expiry sweep, account refresh) writes: it runs only while writing */
  pipeline: Pick<KeelPipeline, 'start' | 'stop'>;
}

export interface WriterRole {
  /** for WriterGuardDeps.onAcquired */
  acquired(signal: AbortSignal): Promise<void>;
  /** for WriterGuardDeps.onLost */
  lost(reason: string): void;
  /** from now on an acquisition is a takeover (journaled); the one during startup is not */
  startupDone(): void;
  /** steps down if writing, shuts the facade down, and refuses every later takeover */
  stop(): Promise<void>;
}

interface Writing {
  control: KeelBotControl;
  lifecycle: Subscription;
}

export function createWriterRole(deps: WriterRoleDeps): WriterRole {
  const { db, clock, warn } = deps;
  let writing: Writing | null = null;
  const queue = new SerialQueue();
  let stopped = false;
  /** set once the facade is shut down: it accepts no swap after that */
  let facadeClosed = false;
  let started = false;
  /** bumped by every loss: a takeover that sees it move was overtaken by a loss */
  let losses = 0;

  const serial = <T>(work: () => Promise<T>): Promise<T> => queue.run(work);

  const journal = (entry: JournalInput): Promise<void> =>
    appendJournal(db, { subject: deps.leaseName, ...entry }, clock.now()).then(
      () => undefined,
      (error: unknown) => warn(`journal write failed: ${entry.message}`, error),
    );

  async function settle(step: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      warn(`stepping down as writer: ${step} failed`, error);
    }
  }

  /** everything a writer runs, stopped; the read-only facade must already answer */
  async function stepDown(w: Writing): Promise<void> {
    w.lifecycle.unsubscribe();
    await settle('pipeline stop', () => deps.pipeline.stop());
    await settle('position supervisor stop', () => deps.supervisor.stop());
    await settle('control shutdown', () => w.control.shutdown());
    await settle('broker disconnect', () => deps.disconnect());
  }

  async function becomeWriter(signal: AbortSignal): Promise<void> {
    const lossesAtStart = losses;
    const overtaken = () => stopped || signal.aborted || losses !== lossesAtStart;
    if (overtaken()) throw new Error('not taking the writer lease: Keel is stopping');
    try {
      await deps.connect();
    } catch (error) {
      await settle('broker disconnect', () => deps.disconnect());
      throw error;
    }
    const control = deps.createControl();
    const w: Writing = { control, lifecycle: driveSupervisor(control.events$, deps.supervisor, warn) };
    w.lifecycle.add(settleFlatExits(deps.supervisor.events$, (cause) => control.reconcileNow(cause), warn));
    try {
      await control.boot();
    } catch (error) {
      await stepDown(w);
      throw error;
    }
    if (overtaken()) {
      await stepDown(w);
      throw new Error('the writer lease was lost (or Keel is stopping) while taking over');
    }
    deps.control.swap(control);
    writing = w;
    deps.pipeline.start();
    if (!started) return;
    warn(`took over the writer lease ${deps.leaseName}: this instance writes now`);
    await journal({ kind: 'startup', cause: 'writer_lease', message: 'instance took over the writer lease', data: { lease: deps.leaseName } });
  }

  return {
    acquired: (signal) => serial(() => becomeWriter(signal)),

    lost(reason) {
      losses += 1;
      if (!facadeClosed) deps.control.swap(deps.readOnly);
      const w = writing;
      writing = null;
      warn(`writer lease ${deps.leaseName} lost (${reason}): read-only until it is acquired again`);
      if (!w) return;
      void serial(async () => {
        await stepDown(w);
        await journal({ kind: 'warning', cause: 'writer_lease', message: `lost the writer lease: ${reason}; read-only until it is acquired again`, data: { lease: deps.leaseName, reason } });
      });
    },

    startupDone() {
      started = true;
    },

    async stop() {
      if (stopped) return;
      stopped = true;
      await serial(async () => {
        deps.control.swap(deps.readOnly);
        const w = writing;
        writing = null;
        if (w) await stepDown(w);
      });
      facadeClosed = true;
      await settle('read-only facade shutdown', () => deps.control.shutdown());
    },
  };
}
