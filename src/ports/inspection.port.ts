/**
 * XState's inspection observer. The composition root passes ONE observer to the bot's actor and to
 * every position actor when it creates them, so everything the machines do can be watched live;
 * absent, nothing is observed and nothing is paid.
 * An observer OBJECT, not a callback: XState binds `next` once per actor it watches, and a method
 * binds into a plain 48-byte function where a named function expression (as the TypeScript loader
 * emits it, with its name set as an own property) binds into a ≈ 300-byte one (docs/benchmarks.md, B3).
 */
import type { InspectionEvent } from 'xstate';

export interface InspectionObserver {
  next(event: InspectionEvent): void;
}
