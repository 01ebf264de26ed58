/**
 * /api/inspector in the OpenAPI document: its three operations and the schemas of their answers
 * (kept beside each other here; api-operations.ts lists them with the rest). The compile-time
 * guards at the end tie each schema to the type the inspector answers with.
 */
import { z } from 'zod';
import type { LayoutEdge, LayoutNode, MachineGraph } from '../../service/inspector/graph-layout.js';
import type { GraphState, GraphTransition } from '../../service/inspector/machine-graph.js';
import type { InspectedActor, InspectorEvent } from '../../service/inspector/inspector.js';
import { inspectorEventsQuerySchema } from '../routes/inspector.routes.js';
import type { ApiOperation } from './openapi-operation.js';

const epochMs = z.number().int().meta({ description: 'epoch milliseconds' });
const stateIds = z.array(z.string()).meta({ description: "the active leaf states, each as its path from the machine's root joined with '.' (e.g. `exiting.submitting`)" });
const status = z.enum(['active', 'done', 'error', 'stopped']);
const point = z.strictObject({ x: z.number(), y: z.number() });

const graphStateSchema = z.strictObject({
  id: z.string().meta({ description: "the path from the root joined with '.'; '' is the root" }),
  key: z.string(),
  parent: z.string().nullable(),
  type: z.enum(['atomic', 'compound', 'parallel', 'final', 'history']),
  initial: z.string().nullable(),
  invokes: z.array(z.strictObject({ id: z.string(), src: z.string() })),
});

const graphTransitionSchema = z.strictObject({
  id: z.string(), source: z.string(), targets: z.array(z.string()).meta({ description: 'empty: a targetless transition (actions only)' }),
  event: z.string(), kind: z.enum(['event', 'after', 'always', 'done', 'error', 'state-done']), label: z.string(),
  guard: z.string().nullable(), delay: z.union([z.number(), z.string()]).nullable(), actions: z.array(z.string()),
});

const layoutNodeSchema = z.strictObject({
  id: z.string(), kind: z.enum(['state', 'initial']), name: z.string(), x: z.number(), y: z.number(), width: z.number(), height: z.number(),
  depth: z.number().int(), stateType: graphStateSchema.shape.type.nullable(), lines: z.array(z.string()),
});

const layoutEdgeSchema = z.strictObject({
  id: z.string(), transitions: z.array(z.string()), source: z.string(), target: z.string(), points: z.array(point),
  label: z.strictObject({ lines: z.array(z.string()), x: z.number(), y: z.number(), width: z.number(), height: z.number() }).nullable(),
});

export const machineGraphSchema = z.strictObject({
  machine: z.string(),
  states: z.array(graphStateSchema),
  transitions: z.array(graphTransitionSchema),
  layout: z.strictObject({ width: z.number(), height: z.number(), nodes: z.array(layoutNodeSchema), edges: z.array(layoutEdgeSchema) })
    .meta({ description: 'computed once on the server (ELK layered): boxes, edge polylines and label boxes in one coordinate space' }),
});

export const inspectedActorSchema = z.strictObject({
  id: z.string().meta({ description: "`bot`, or `position:<trade id>`" }), machine: z.string(), parentId: z.string().nullable(),
  state: stateIds, status, tradeId: z.string().nullable(), symbol: z.string().nullable(), since: epochMs, updatedAt: epochMs,
});

export const inspectorEventSchema = z.strictObject({
  seq: z.number().int(), at: epochMs, actorId: z.string(), parentId: z.string().nullable(), machine: z.string(),
  kind: z.enum(['started', 'transition', 'status']), event: z.string(), state: stateIds, status,
  transitions: z.array(z.strictObject({ source: z.string(), targets: z.array(z.string()), event: z.string() })),
});

export const inspectorMachinesSchema = z.strictObject({ items: z.array(machineGraphSchema) });
export const inspectorActorsSchema = z.strictObject({ items: z.array(inspectedActorSchema), lastSeq: z.number().int() });

/** named in the document's components */
export const INSPECTOR_COMPONENTS = {
  MachineGraph: machineGraphSchema, InspectorMachines: inspectorMachinesSchema, InspectedActor: inspectedActorSchema,
  InspectorActors: inspectorActorsSchema, InspectorEvent: inspectorEventSchema,
} satisfies Record<string, z.ZodType>;

export const INSPECTOR_OPERATIONS: ApiOperation[] = [
  {
    method: 'get', path: '/api/inspector/machines', tag: 'inspector', summary: "The statecharts: each machine's states, transitions and layout",
    description: 'Read from the machine definitions that run (never hand-drawn); the layout is computed once per process.',
    responses: { 200: { description: 'one graph per machine', schema: inspectorMachinesSchema } },
  },
  {
    method: 'get', path: '/api/inspector/actors', tag: 'inspector', summary: 'The live actors and their current state (the bot first, then one per position)',
    responses: {
      200: {
        description: '`lastSeq`: the newest event these states include (open the event stream with `?since=<lastSeq>` to follow on)',
        schema: inspectorActorsSchema,
        example: { items: [{ id: 'bot', machine: 'bot', parentId: null, state: ['running'], status: 'active', tradeId: null, symbol: null, since: 1764600000000, updatedAt: 1764600000000 }], lastSeq: 12 },
      },
    },
  },
  {
    method: 'get', path: '/api/inspector/events', tag: 'inspector', summary: 'The machines live: every step of every actor (server-sent events)',
    query: inspectorEventsQuerySchema,
    description: '`step`: one normalised inspection event (seq, at, actorId, parentId, machine, kind started|transition|status, event, state, status, transitions), its `seq` as the event id. '
      + 'Resumes after `Last-Event-ID` or `?since=`; without either, starts at the present. `gap` (`{ after, resumedFrom }`) when events asked for are no longer held: those from `resumedFrom` on follow.',
    responses: { 200: { description: 'a text/event-stream', mediaType: 'text/event-stream' } },
  },
];

/** compile-time guards: every value the inspector answers with is accepted by its schema */
type Accepts<S extends z.ZodType, T> = T extends z.input<S> ? true : never;
const _guards: [
  Accepts<typeof graphStateSchema, GraphState>, Accepts<typeof graphTransitionSchema, GraphTransition>, Accepts<typeof layoutNodeSchema, LayoutNode>,
  Accepts<typeof layoutEdgeSchema, LayoutEdge>, Accepts<typeof machineGraphSchema, MachineGraph>, Accepts<typeof inspectedActorSchema, InspectedActor>,
  Accepts<typeof inspectorEventSchema, InspectorEvent>,
] = [true, true, true, true, true, true, true];
void _guards;
