/**
 * One trade's lifecycle statechart. Machines only declare (docs/design.md §5): every
 * effect is a named action supplied with .provide() by position.actor.ts; the defaults fail loudly.
 * The actor receives lifecycle events only — fills and exit DECISIONS — never raw price ticks
 * (docs/benchmarks.md §3: a send costs ≈1 µs, so ticks are evaluated in plain code per symbol).
 * Invariants:
 *  - pending_entry → open → exiting → closed; pending_entry → cancelled. Nothing leaves a final state.
 *  - it exits at most once: EXIT is handled only in `open` (and remembered in pending_entry, for a
 *    kill switch that arrives before the first fill); a second EXIT changes nothing. The exit
 *    reason is handed to startExit (the actor persists it), not kept in context.
 *  - a restored trade starts in its persisted state (restoredSnapshot, via resolveState), so a
 *    restart never re-enters (and never re-runs the effects of) an earlier state.
 * Why `effects` rides in context: ONE provided machine serves every actor (a .provide() per actor
 * would clone the machine per position: kilobytes each, docs/benchmarks.md §3).
 */
import { assign, setup } from 'xstate';
import type { ExitReason } from '../domain/trade.js';

export type PositionMachineEvent =
  /** cumulative entry fill; `done` = the entry order is terminal (filled, or canceled after a partial) */
  | { type: 'ENTRY_FILLED'; done: boolean }
  /** the entry order ended with nothing filled (rejected, canceled, expired, never reached the broker) */
  | { type: 'ENTRY_ENDED'; reason: string }
  | { type: 'EXIT'; reason: ExitReason; price: number; detail: string }
  /** the exit order(s) filled the whole position */
  | { type: 'EXIT_FILLED' };

/** what the named actions call; position.actor.ts implements it */
export interface PositionEffects {
  recordEntry(): void;
  recordCancelled(reason: string): void;
  cancelEntry(): void;
  startExit(exit: Extract<PositionMachineEvent, { type: 'EXIT' }>): void;
  recordClosed(): void;
}

export interface PositionMachineInput {
  effects: PositionEffects;
}

export interface PositionMachineContext {
  effects: PositionEffects;
  /** an EXIT that arrived before the first fill: carried out as soon as the position opens */
  deferredExit: Extract<PositionMachineEvent, { type: 'EXIT' }> | null;
}

type Ctx = { context: PositionMachineContext; event: PositionMachineEvent };

export const positionMachine = setup({
  types: {
    context: {} as PositionMachineContext,
    events: {} as PositionMachineEvent,
    input: {} as PositionMachineInput,
  },
  guards: {
    hasDeferredExit: ({ context }) => context.deferredExit !== null,
  },
  actions: {
    /** persist shares / average price / entry time; arm the exit rules */
    recordEntry: ({ context }: Ctx) => context.effects.recordEntry(),
    recordCancelled: ({ context, event }: Ctx) => context.effects.recordCancelled(event.type === 'ENTRY_ENDED' ? event.reason : 'entry ended'),
    /** asks the broker to cancel the entry order (kill switch before the first fill) */
    cancelEntry: ({ context }: Ctx) => context.effects.cancelEntry(),
    /** persist the intent, cancel Keel's own open orders on the symbol, send the market sell */
    startExit: ({ context, event }: Ctx) => {
      const exit = event.type === 'EXIT' ? event : context.deferredExit;
      if (exit) context.effects.startExit(exit);
    },
    recordClosed: ({ context }: Ctx) => context.effects.recordClosed(),
    deferExit: assign({ deferredExit: ({ event }) => (event.type === 'EXIT' ? event : null) }),
  },
}).createMachine({
  id: 'position',
  initial: 'pending_entry',
  context: ({ input }) => ({ effects: input.effects, deferredExit: null }),
  states: {
    pending_entry: {
      on: {
        // a kill switch that came before the first fill is carried out at once (no eventless
        // transition on `open`: it would be re-checked on every event of every position)
        ENTRY_FILLED: [
          {
            guard: 'hasDeferredExit', target: 'exiting',
            actions: ['recordEntry', 'startExit', assign({ deferredExit: null })],
          },
          { target: 'open', actions: 'recordEntry' },
        ],
        ENTRY_ENDED: { target: 'cancelled', actions: 'recordCancelled' },
        EXIT: { actions: ['deferExit', 'cancelEntry'] },
      },
    },
    open: {
      on: {
        ENTRY_FILLED: { actions: 'recordEntry' },
        // no assign here: the reason travels with the effect (an assign would double this hot transition's cost)
        EXIT: { target: 'exiting', actions: 'startExit' },
      },
    },
    exiting: {
      on: {
        // a late entry fill (the cancel raced it) still updates the shares; the exit sells what is held
        ENTRY_FILLED: { actions: 'recordEntry' },
        EXIT_FILLED: { target: 'closed', actions: 'recordClosed' },
      },
    },
    closed: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

export type PositionStatus = 'pending_entry' | 'open' | 'exiting';

/** the snapshot of a trade restored in `status` (createActor(positionMachine, { snapshot, input })) */
export function restoredSnapshot(status: PositionStatus, input: PositionMachineInput) {
  return positionMachine.resolveState({ value: status, context: { effects: input.effects, deferredExit: null } });
}
