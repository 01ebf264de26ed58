/**
 * The bot lifecycle drives the position supervisor: running / paused / halted → start() (pause and
 * halt refuse NEW entries, but open positions keep their exits); stopped → stop() (positions stay
 * at the broker, unattended).
 * Invariants: start and stop run one at a time in the order the states arrived (concatMap), so a
 * quick stop → start can never leave the supervisor stopped; a failure is reported, never thrown
 * into the control's event stream.
 */
import { concatMap, defer, EMPTY, filter, map, type Observable, type Subscription } from 'rxjs';
import type { PositionSupervisor } from '../actors/position-supervisor.types.js';
import type { ControlEvent } from '../control/bot-control.js';
import type { BotState } from '../domain/bot-config.js';

export type SupervisorCommand = 'start' | 'stop';

export const commandFor = (state: BotState): SupervisorCommand => (state === 'stopped' ? 'stop' : 'start');

export function driveSupervisor(
  events$: Observable<ControlEvent>,
  supervisor: Pick<PositionSupervisor, 'start' | 'stop'>,
  warn: (message: string, error?: unknown) => void,
  /** after each command settles (tests await this instead of sleeping) */
  onApplied: (command: SupervisorCommand) => void = () => undefined,
): Subscription {
  return events$.pipe(
    filter((e): e is Extract<ControlEvent, { type: 'state' }> => e.type === 'state'),
    map((e) => commandFor(e.state)),
    concatMap((command) => defer(async () => {
      try {
        await (command === 'start' ? supervisor.start() : supervisor.stop());
      } catch (error) {
        warn(`position supervisor ${command} failed`, error);
      }
      onApplied(command);
    }).pipe(concatMap(() => EMPTY))),
  ).subscribe();
}
