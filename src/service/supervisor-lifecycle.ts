/**
 * The bot lifecycle drives the position supervisor: running / paused / halted → start() (pause and
 * halt refuse NEW entries, but open positions keep their exits); stopped → stop() (positions stay
 * at the broker, unattended).
 * A committed config change that touches the exit rules reaches the supervisor too
 * (applySettings), so a tightened stop applies to open positions at once; so does every successful
 * reconciliation (applyReconciliation): a quantity it corrected in the database while Keel runs (the
 * health job's) reaches the actor that would sell it. An exit that finds nothing at the broker asks
 * for a reconciliation (settleFlatExits), which closes the trade with the broker's fill or marks it
 * missed.
 * Invariants: start, stop and settings run one at a time in the order they arrived (concatMap), so
 * a quick stop → start can never leave the supervisor stopped, and a change during start() is
 * applied after it; a failure is reported, never thrown into the control's event stream.
 */
import { concatMap, defer, EMPTY, filter, map, type Observable, type Subscription } from 'rxjs';
import type { ExitRuleSettings, PositionEvent, PositionSupervisor } from '../actors/position-supervisor.types.js';
import type { ReconcileFinding } from '../domain/reconciliation.js';
import type { ControlEvent } from '../control/lifecycle/bot-control.js';
import type { BotState } from '../domain/bot-config.js';
import { errorText } from '../lib/error-text.js';

export type SupervisorCommand = 'start' | 'stop' | 'settings' | 'reconciled';

export const commandFor = (state: BotState): 'start' | 'stop' => (state === 'stopped' ? 'stop' : 'start');

/** the settings the exit rules read; a change to any other key does not concern the supervisor */
export const EXIT_RULE_KEYS: readonly (keyof ExitRuleSettings)[] = ['hardStopLossPct', 'profitTargetPct', 'trailingStopPct', 'maxHoldDurationSec', 'eodForceCloseTime', 'brokerStopMode'];

type Step =
  | { command: 'start' | 'stop' }
  | { command: 'settings'; settings: ExitRuleSettings }
  | { command: 'reconciled'; findings: readonly ReconcileFinding[] };

function stepFor(e: ControlEvent): Step | null {
  if (e.type === 'state') return { command: commandFor(e.state) };
  if (e.type === 'reconciled') return { command: 'reconciled', findings: e.report.findings };
  if (e.type === 'config' && e.changed.some((k) => (EXIT_RULE_KEYS as readonly string[]).includes(k))) return { command: 'settings', settings: e.config };
  return null;
}

export function driveSupervisor(
  events$: Observable<ControlEvent>,
  supervisor: Pick<PositionSupervisor, 'start' | 'stop' | 'applySettings' | 'applyReconciliation'>,
  warn: (message: string, error?: unknown) => void,
  /** after each command settles (tests await this instead of sleeping) */
  onApplied: (command: SupervisorCommand) => void = () => undefined,
): Subscription {
  return events$.pipe(
    map(stepFor),
    filter((step): step is Step => step !== null),
    concatMap((step) => defer(async () => {
      try {
        if (step.command === 'settings') supervisor.applySettings(step.settings);
        else if (step.command === 'reconciled') supervisor.applyReconciliation(step.findings);
        else await (step.command === 'start' ? supervisor.start() : supervisor.stop());
      } catch (error) {
        warn(`position supervisor ${step.command} failed`, error);
      }
      onApplied(step.command);
    }).pipe(concatMap(() => EMPTY))),
  ).subscribe();
}

/** an exit with nothing left at the broker: one reconciliation settles its trade (never a loop of sells) */
export function settleFlatExits(
  events$: Observable<PositionEvent>,
  reconcile: (cause: string) => Promise<{ ok: boolean; error: string | null }>,
  warn: (message: string, error?: unknown) => void,
): Subscription {
  return events$.pipe(
    filter((e) => e.type === 'exit_flat_at_broker'),
    concatMap((e) => defer(async () => {
      const result = await reconcile('exit_flat_at_broker').catch((error: unknown) => ({ ok: false, error: errorText(error) }));
      if (!result.ok) warn(`trade ${e.tradeId}: the reconciliation of an exit with nothing at the broker failed: ${result.error ?? 'unknown'}`);
    })),
  ).subscribe();
}
