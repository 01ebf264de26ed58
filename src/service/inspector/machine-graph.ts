/**
 * A statechart's structure, read from the machine definition itself (its StateNode tree), so the
 * drawing is always the machine that runs: whatever states, nesting, events, guards, `after` delays,
 * `always` transitions and invoked actors' onDone/onError it has, with no state name known here.
 * State ids are the state's path from the machine's root joined with '.' ('' is the root), the same
 * strings the inspector reports as an actor's current state, so the page can match the two.
 * Transitions with a target are edges; targetless ones (actions only) belong to their state and are
 * listed inside its box.
 */
import type { AnyStateMachine } from 'xstate';

export type TransitionKind = 'event' | 'after' | 'always' | 'done' | 'error' | 'state-done';

export interface GraphTransition {
  id: string;
  /** the state that declares it */
  source: string;
  /** empty for a targetless transition (it runs actions and stays) */
  targets: string[];
  /** the event that triggers it as XState names it ('' for an eventless `always`) */
  event: string;
  kind: TransitionKind;
  /** what a reader sees: `EXIT`, `after 1000 ms`, `done: reconcile`, `always` … with the guard */
  label: string;
  guard: string | null;
  /** an `after` transition's delay: milliseconds, or the name of a provided delay */
  delay: number | string | null;
  actions: string[];
}

export interface GraphState {
  id: string;
  key: string;
  /** the enclosing state's id; null for the root */
  parent: string | null;
  type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** the id of the initial child, for a compound state */
  initial: string | null;
  invokes: Array<{ id: string; src: string }>;
}

export interface MachineStructure {
  /** the machine's id ('bot', 'position', …) */
  machine: string;
  /** every state, the root ('') first, each before its children, siblings in declaration order */
  states: GraphState[];
  transitions: GraphTransition[];
}

/** a StateNode as far as this module reads it (xstate types it loosely for any machine) */
interface NodeLike {
  path: string[];
  key: string;
  type: GraphState['type'];
  initial?: { target?: readonly NodeLike[] };
  invoke: ReadonlyArray<{ id: string; src: unknown }>;
  states: Record<string, NodeLike>;
  transitions: Map<string, ReadonlyArray<TransitionLike>>;
  always?: ReadonlyArray<TransitionLike>;
}

interface TransitionLike {
  eventType: string;
  target?: readonly NodeLike[];
  guard?: unknown;
  delay?: number | string;
  actions?: readonly unknown[];
}

export function machineStructure(machine: AnyStateMachine): MachineStructure {
  const transitions: GraphTransition[] = [];
  const states: GraphState[] = [];
  walk(machine.root as unknown as NodeLike, null, machine.id, states, transitions);
  return { machine: machine.id, states, transitions };
}

function walk(node: NodeLike, parent: string | null, machineId: string, states: GraphState[], out: GraphTransition[]): void {
  const id = pathId(node);
  const invokes = node.invoke.map((inv) => ({ id: inv.id, src: typeof inv.src === 'string' ? inv.src : inv.id }));
  const add = (t: TransitionLike) => out.push(transition(`${machineId}:${out.length}`, id, t, invokes));
  for (const list of node.transitions.values()) for (const t of list) add(t);
  for (const t of node.always ?? []) add(t);
  const initialTarget = node.initial?.target?.[0];
  states.push({
    id,
    key: node.path.length === 0 ? machineId : node.key,
    parent,
    type: node.type,
    initial: node.type === 'compound' && initialTarget ? pathId(initialTarget) : null,
    invokes,
  });
  for (const child of Object.values(node.states)) walk(child, id, machineId, states, out);
}

function transition(id: string, source: string, t: TransitionLike, invokes: GraphState['invokes']): GraphTransition {
  const { kind, text } = describeEvent(t.eventType, invokes);
  const guard = guardName(t.guard);
  return {
    id,
    source,
    targets: (t.target ?? []).map(pathId),
    event: t.eventType,
    kind,
    label: guard ? `${text} [${guard}]` : text,
    guard,
    delay: kind === 'after' ? (t.delay ?? delayOf(t.eventType)) : null,
    actions: (t.actions ?? []).map(actionName).filter((name): name is string => name !== null),
  };
}

/** XState's internal event names told the way a statechart reads them */
function describeEvent(eventType: string, invokes: GraphState['invokes']): { kind: TransitionKind; text: string } {
  if (eventType === '') return { kind: 'always', text: 'always' };
  if (eventType.startsWith('xstate.after.')) {
    const delay = delayOf(eventType);
    return { kind: 'after', text: typeof delay === 'number' ? `after ${delay} ms` : `after ${delay}` };
  }
  for (const [prefix, kind] of [['xstate.done.actor.', 'done'], ['xstate.error.actor.', 'error']] as const) {
    if (eventType.startsWith(prefix)) {
      const invokeId = eventType.slice(prefix.length);
      const src = invokes.find((inv) => inv.id === invokeId)?.src ?? invokeId;
      return { kind, text: `${kind}: ${src}` };
    }
  }
  // a compound state's own onDone: its final child was reached
  if (eventType.startsWith('xstate.done.state.')) return { kind: 'state-done', text: 'done' };
  return { kind: 'event', text: eventType };
}

/** `xstate.after.<delay>.<state id>`: the delay is a number of ms or a provided delay's name */
function delayOf(eventType: string): number | string {
  const delay = eventType.slice('xstate.after.'.length).split('.')[0] ?? '';
  return /^\d+$/.test(delay) ? Number(delay) : delay;
}

function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name && guard.name !== 'guard' ? guard.name : inlineCondition(guard);
  if (typeof guard === 'object' && 'type' in guard && typeof guard.type === 'string') {
    const params = 'params' in guard && guard.params && typeof guard.params === 'object' ? Object.values(guard.params as Record<string, unknown>) : [];
    const shown = params.filter((p) => ['string', 'number', 'boolean'].includes(typeof p));
    return shown.length > 0 ? `${guard.type}(${shown.join(', ')})` : guard.type;
  }
  return 'guard';
}

const MAX_CONDITION = 48;

/**
 * An inline guard has no name: a one-expression arrow is shown by its condition, read from its own
 * source with the reader's noise taken out — `({ event }) => event.output.kind === 'accepted'` reads
 * `kind === 'accepted'` (an invoked actor's output, the event, the context are what every guard
 * reads). Anything longer or not of that shape is 'inline guard'.
 */
function inlineCondition(guard: object): string {
  const match = /^(?:async\s*)?\(?[^)]*\)?\s*=>\s*([\s\S]*)$/.exec(Function.prototype.toString.call(guard).trim());
  // a block body is a procedure, not a condition
  if (!match || match[1]!.startsWith('{')) return 'inline guard';
  const condition = match[1]!
    .replace(/\b(?:event\.output|event|context)\.(?=[A-Za-z_$])/g, '')
    .replace(/\bevent\.output\b/g, 'output')
    .replace(/\s*(===|!==|&&|\|\||>=|<=)\s*/g, ' $1 ')
    .replace(/"([^"'\\]*)"/g, "'$1'")
    .replace(/\s+/g, ' ')
    .trim();
  return condition.length > 0 && condition.length <= MAX_CONDITION ? condition : 'inline guard';
}

function actionName(action: unknown): string | null {
  if (typeof action === 'string') return action;
  if (typeof action === 'function') return action.name || null;
  if (action && typeof action === 'object' && 'type' in action && typeof action.type === 'string') return action.type;
  return null;
}

function pathId(node: NodeLike): string {
  return node.path.join('.');
}
