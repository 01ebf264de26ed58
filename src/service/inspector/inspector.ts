/**
 * The inspector: ONE XState inspection observer, handed to the bot's actor and to every position
 * actor, that turns what the machines do into a live record.
 *  - Each transition an actor takes (XState's `@xstate.microstep`), its start, and each change of its
 *    status (`@xstate.snapshot`: done, stopped, error) becomes one normalised event — actor id, parent
 *    id, machine, event type, the active states after it, the status, the transitions taken — with
 *    the next sequence number (for a stream that resumes), into a ring bounded by count and onto an
 *    RxJS subject. Snapshots that change nothing (an event a state ignores) are not recorded.
 *  - It tracks the live state-machine actors with their current state; a position's trade id and
 *    symbol come from its context (`tradeId`, `symbol`), else from its id (`position:<trade id>`).
 *    An actor leaves the list when it is done, stopped or failed. Child actors that are not state
 *    machines (promises, observables) are not tracked: their outcome shows as their parent's
 *    transition (`done: …` / `error: …`).
 * Always on, so it is cheap: O(1) work and a few small objects per event, no serialization unless
 * someone reads the event as JSON (then once per event, cached), no per-event work for actors
 * that are not machines. It never throws into XState: a failure in it is counted and reported once,
 * and the trade goes on.
 */
import { Subject, type Observable } from 'rxjs';
import type { InspectionEvent } from 'xstate';
import type { Clock } from '../../ports/clock.port.js';
import type { InspectionObserver } from '../../ports/inspection.port.js';

export type ActorStatus = 'active' | 'done' | 'error' | 'stopped';

export interface InspectorEvent {
  /** 1, 2, 3 … in the order recorded (restarts at 1 with the process) */
  seq: number;
  /** when it was recorded, epoch ms of the injected clock */
  at: number;
  actorId: string;
  parentId: string | null;
  machine: string;
  /** `started`: the actor's first snapshot; `transition`: one step through the chart; `status`: done, stopped or error */
  kind: 'started' | 'transition' | 'status';
  /** the event's type as XState names it (`EXIT`, `xstate.init`, `xstate.done.actor.…`, `xstate.stop`) */
  event: string;
  /** the active leaf states afterwards, as paths from the root joined with '.' */
  state: string[];
  status: ActorStatus;
  /** what this step took: one entry per transition (empty for `started` and `status`) */
  transitions: Array<{ source: string; targets: string[]; event: string }>;
}

export interface InspectedActor {
  id: string;
  machine: string;
  parentId: string | null;
  state: string[];
  status: ActorStatus;
  /** for a position: its trade's id and symbol; null for other actors */
  tradeId: string | null;
  symbol: string | null;
  /** when the inspector first saw it, and when it last changed (epoch ms) */
  since: number;
  updatedAt: number;
}

export interface Inspector {
  /** pass as XState's `inspect` option */
  observer: InspectionObserver;
  /** every normalised event as it is recorded */
  events$: Observable<InspectorEvent>;
  /** the live state-machine actors, ordered by `machineOrder`, then by when they started */
  actors(): InspectedActor[];
  /** the events after `seq`, oldest first; 'gap' when some of them have left the ring */
  since(seq: number): InspectorEvent[] | 'gap';
  /** the newest sequence number handed out (0 before the first event) */
  lastSeq(): number;
  /** the oldest sequence number the ring still holds (lastSeq() + 1 when it holds none) */
  firstSeq(): number;
  /** the event as JSON, serialized at most once */
  json(event: InspectorEvent): string;
  /** inspection events the inspector failed to record (a defect in it, never in the machine) */
  failures(): number;
}

export interface InspectorOptions {
  clock: Pick<Clock, 'now'>;
  /** how many events the ring holds; default 2,000 */
  capacity?: number;
  /** machine ids in the order actors() lists their actors (e.g. the bot first); others follow */
  machineOrder?: readonly string[];
  /** told once about the first failure to record an event */
  warn?: (message: string, error: unknown) => void;
}

export const DEFAULT_INSPECTOR_CAPACITY = 2_000;

/**
 * One live actor as the inspector holds it: a single object per actor (always on, for every open
 * position: docs/benchmarks.md B3), its state list shared with every actor in the same states.
 */
class Tracked {
  /** its first snapshot was seen (the `started` event is recorded once) */
  started = false;
  /** the active states as recorded, joined: a cheap comparison for "did this snapshot change anything" */
  stateKey = '';
  state: readonly string[] = NO_STATES;
  status: ActorStatus = 'active';
  tradeId: string | null = null;
  symbol: string | null = null;
  updatedAt: number;

  constructor(readonly id: string, readonly machine: string, readonly parentId: string | null, readonly since: number) {
    this.updatedAt = since;
  }

  view(): InspectedActor {
    return {
      id: this.id, machine: this.machine, parentId: this.parentId, state: [...this.state], status: this.status,
      tradeId: this.tradeId, symbol: this.symbol, since: this.since, updatedAt: this.updatedAt,
    };
  }
}

const NO_STATES: readonly string[] = Object.freeze([]);

/**
 * Each distinct set of active states as ONE frozen list, keyed by its joined form: thousands of
 * positions in `open.armed` share one list and one string (a handful of keys per machine).
 */
const statesByKey = new Map<string, { key: string; states: readonly string[] }>();

function internStates(key: string, value: unknown): { key: string; states: readonly string[] } {
  let interned = statesByKey.get(key);
  if (interned === undefined) {
    interned = { key, states: Object.freeze(typeof value === 'string' ? [value] : activeStates(value)) };
    statesByKey.set(key, interned);
  }
  return interned;
}

/** the parts of an actor ref and its logic this module reads (XState types them for any logic) */
interface RefLike {
  id: string;
  sessionId: string;
  _parent?: { id: string };
  logic?: { id?: unknown; root?: unknown };
}

export function createInspector(options: InspectorOptions): Inspector {
  const capacity = options.capacity ?? DEFAULT_INSPECTOR_CAPACITY;
  if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`inspector capacity must be a positive integer, got ${capacity}`);
  const ring: Array<InspectorEvent | undefined> = new Array(capacity);
  const texts = new WeakMap<InspectorEvent, string>();
  const subject = new Subject<InspectorEvent>();
  const live = new Map<string, Tracked>();
  const order = options.machineOrder ?? [];
  let next = 1;
  let failed = 0;

  const record = (a: Tracked, kind: InspectorEvent['kind'], event: string, transitions: InspectorEvent['transitions']) => {
    const recorded: InspectorEvent = {
      seq: next, at: a.updatedAt, actorId: a.id, parentId: a.parentId, machine: a.machine, kind, event, state: a.state as string[], status: a.status, transitions,
    };
    ring[(next - 1) % capacity] = recorded;
    next += 1;
    subject.next(recorded);
  };

  const handle = (inspection: InspectionEvent) => {
    if (inspection.type !== '@xstate.microstep' && inspection.type !== '@xstate.snapshot') return;
    // XState reports a microstep with no transition for an event no state handles: nothing happened
    if (inspection.type === '@xstate.microstep' && inspection._transitions.length === 0) return;
    const ref = inspection.actorRef as unknown as RefLike;
    const logic = ref.logic;
    // state machines only: their logic has a root state node
    if (!logic || logic.root === undefined || typeof logic.id !== 'string') return;
    let a = live.get(ref.sessionId);
    if (!a) {
      a = new Tracked(ref.id, logic.id, ref._parent?.id ?? null, options.clock.now());
      live.set(ref.sessionId, a);
    }
    const snapshot = inspection.snapshot as { value?: unknown; status?: string; context?: unknown };
    const value = snapshot.value;
    // a flat machine's value is a string: its key needs no allocation
    const stateKey = typeof value === 'string' ? value : activeStates(value).join(',');
    if (inspection.type === '@xstate.microstep') {
      move(a, value, stateKey, a.status);
      const taken = inspection._transitions.map((t) => ({
        source: pathOf(t.source), targets: t.target ? t.target.map(pathOf) : [], event: t.eventType,
      }));
      record(a, 'transition', inspection.event.type, taken);
      return;
    }
    const status = statusOf(snapshot.status);
    if (!a.started) {
      a.started = true;
      identify(a, snapshot.context);
      move(a, value, stateKey, status);
      record(a, 'started', inspection.event.type, []);
    } else if (status !== a.status || stateKey !== a.stateKey) {
      move(a, value, stateKey, status);
      record(a, 'status', inspection.event.type, []);
    }
    if (status !== 'active') live.delete(ref.sessionId);
  };

  const move = (a: Tracked, value: unknown, stateKey: string, status: ActorStatus) => {
    if (stateKey !== a.stateKey) {
      const interned = internStates(stateKey, value);
      a.state = interned.states;
      a.stateKey = interned.key;
    }
    a.status = status;
    a.updatedAt = options.clock.now();
  };

  const observer: InspectionObserver = {
    next(inspection) {
      try {
        handle(inspection);
      } catch (error) {
        failed += 1;
        if (failed === 1) options.warn?.('the inspector could not record an inspection event (the machines are unaffected); further failures are counted, not logged', error);
      }
    },
  };

  return {
    observer,
    events$: subject.asObservable(),
    actors() {
      const rank = (a: InspectedActor) => {
        const i = order.indexOf(a.machine);
        return i < 0 ? order.length : i;
      };
      const all = [...live.values()].filter((t) => t.started).map((t) => t.view());
      // stable sort: within a machine, the order the actors started in
      return all.sort((x, y) => rank(x) - rank(y));
    },
    since(seq) {
      const newest = next - 1;
      if (seq >= newest) return seq > newest ? 'gap' : [];
      const oldest = Math.max(1, next - capacity);
      if (seq + 1 < oldest) return 'gap';
      const out: InspectorEvent[] = [];
      for (let s = Math.max(seq + 1, 1); s <= newest; s++) out.push(ring[(s - 1) % capacity]!);
      return out;
    },
    lastSeq: () => next - 1,
    firstSeq: () => Math.max(1, next - capacity),
    json(event) {
      let text = texts.get(event);
      if (text === undefined) {
        text = JSON.stringify(event);
        texts.set(event, text);
      }
      return text;
    },
    failures: () => failed,
  };
}

/** a state value as its active leaves: 'open' → ['open'], { exiting: 'submitting' } → ['exiting.submitting'] */
export function activeStates(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  if (value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const nested = activeStates(child, `${prefix}${key}.`);
    // a compound state whose value is {} (no active child yet) is itself the leaf
    out.push(...(nested.length > 0 ? nested : [prefix + key]));
  }
  return out;
}

/** state nodes are shared by every actor of a machine: each one's path is joined once */
const paths = new WeakMap<object, string>();

function pathOf(node: unknown): string {
  let id = paths.get(node as object);
  if (id === undefined) {
    const path = (node as { path?: unknown }).path;
    id = Array.isArray(path) ? path.join('.') : '';
    paths.set(node as object, id);
  }
  return id;
}

function statusOf(status: string | undefined): ActorStatus {
  return status === 'done' || status === 'error' || status === 'stopped' ? status : 'active';
}

/** a position's trade id and symbol: from its context when it carries them, else from its id */
function identify(actor: Tracked, context: unknown): void {
  const c = (context && typeof context === 'object' ? context : {}) as { tradeId?: unknown; symbol?: unknown };
  const fromId = /^position:(.+)$/.exec(actor.id)?.[1] ?? null;
  actor.tradeId = typeof c.tradeId === 'string' ? c.tradeId : fromId;
  actor.symbol = typeof c.symbol === 'string' ? c.symbol : null;
}
