/**
 * Lays a machine's structure out once, on the server, with ELK's layered algorithm over the whole
 * hierarchy (a compound state is a box around its children; edges may cross levels), so the page
 * only draws: boxes, polylines and label positions, all in one coordinate space (the drawing's top
 * left). Text widths are estimated per character (capitals and digits are wider than lower case:
 * a label in capitals estimated at an average width runs into its neighbour) at the font sizes the
 * dashboard's stylesheet gives the drawing (.sc-name 13 px semibold, .sc-line and .sc-edge-label
 * 11 px, the last transition's label semibold), erring wide.
 * The machine's root is drawn too (the outer box, named after the machine), so a transition the
 * root declares has a box to start from. Each compound state's initial child gets the statechart's
 * initial marker: a dot with an arrow to it.
 */
import elkBundled from 'elkjs/lib/elk.bundled.js';
import type { ELK as Elk, ELKConstructorArguments, ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api.js';
import type { AnyStateMachine } from 'xstate';
import { machineStructure, type GraphState, type GraphTransition, type MachineStructure } from './machine-graph.js';

export interface Point { x: number; y: number }

export interface LayoutNode {
  /** the state's id, or `initial:<compound state id>` for an initial marker */
  id: string;
  kind: 'state' | 'initial';
  /** the state's key as drawn (the root: the machine's id) */
  name: string;
  x: number; y: number; width: number; height: number;
  /** nesting depth: 0 is the machine's root */
  depth: number;
  stateType: GraphState['type'] | null;
  /** drawn inside the box under the name: invoked actors, then targetless transitions */
  lines: string[];
}

export interface LayoutEdge {
  /** `edge:<n>`, or `initial:<compound state id>` for an initial marker's arrow */
  id: string;
  /** the transitions it draws: every transition from `source` to `target` (none for a marker's arrow) */
  transitions: string[];
  source: string;
  target: string;
  /** start, bends, end */
  points: Point[];
  /** one line per transition, top to bottom */
  label: { lines: string[]; x: number; y: number; width: number; height: number } | null;
}

export interface MachineLayout {
  width: number;
  height: number;
  nodes: LayoutNode[];
  edges: LayoutEdge[];
}

export interface MachineGraph extends MachineStructure {
  layout: MachineLayout;
}

const NAME_FONT_PX = 13;
const LINE_FONT_PX = 11;
const LINE_PX = 15;
const NAME_PX = 22;
const PAD = 12;
const MARKER_PX = 12;
const LABEL_LINE_PX = 14;

/** the package is CommonJS: its module.exports (the default import here) is the constructor */
const ElkConstructor = elkBundled as unknown as new (args?: ELKConstructorArguments) => Elk;

const ROOT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeLabel': '3',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
};

/** the structure and layout of each machine, in the order given */
export async function layoutMachines(machines: readonly AnyStateMachine[], options: LayoutOptions = {}): Promise<MachineGraph[]> {
  const elk = new ElkConstructor();
  return Promise.all(machines.map(async (machine) => {
    const structure = machineStructure(machine);
    return { ...structure, layout: await layoutStructure(elk, structure, options) };
  }));
}

async function layoutStructure(elk: Elk, structure: MachineStructure, options: LayoutOptions): Promise<MachineLayout> {
  const internal = new Map<string, string[]>();
  for (const t of structure.transitions) if (t.targets.length === 0) internal.set(t.source, [...(internal.get(t.source) ?? []), internalLine(t)]);
  const info = new Map<string, { node: LayoutNode; elk: ElkNode }>();
  const edges: ElkExtendedEdge[] = [];
  const meta = new Map<string, { transitions: string[]; source: string; target: string; lines: string[] }>();

  const graphOptions = { ...ROOT_OPTIONS, ...options };
  const childrenOf = new Map<string, GraphState[]>();
  for (const state of structure.states) if (state.parent !== null) childrenOf.set(state.parent, [...(childrenOf.get(state.parent) ?? []), state]);
  const build = (state: GraphState, depth: number): ElkNode => {
    const children = childrenOf.get(state.id) ?? [];
    const name = depth === 0 ? structure.machine : state.key;
    const lines = [...state.invokes.map((inv) => `invoke ${inv.src}`), ...(internal.get(state.id) ?? [])];
    const textWidth = Math.max(textPx(name, NAME_FONT_PX, true), ...lines.map((l) => textPx(l, LINE_FONT_PX, false)));
    const header = NAME_PX + lines.length * LINE_PX;
    const node: LayoutNode = { id: state.id, kind: 'state', name, x: 0, y: 0, width: 0, height: 0, depth, stateType: state.type, lines };
    const elkNode: ElkNode = { id: elkId(state.id) };
    if (children.length === 0) {
      elkNode.width = Math.ceil(textWidth + 2 * PAD);
      elkNode.height = header + PAD;
    } else {
      elkNode.layoutOptions = { ...graphOptions, 'elk.padding': `[top=${header + 8},left=${PAD},bottom=${PAD},right=${PAD}]`, 'elk.nodeSize.minimum': `(${Math.ceil(textWidth + 2 * PAD)},${header})`, 'elk.nodeSize.constraints': 'MINIMUM_SIZE' };
      elkNode.children = children.map((child) => build(child, depth + 1));
      if (state.initial !== null) {
        const marker: LayoutNode = { id: `initial:${state.id}`, kind: 'initial', name: '', x: 0, y: 0, width: MARKER_PX, height: MARKER_PX, depth: depth + 1, stateType: null, lines: [] };
        const markerElk: ElkNode = { id: elkId(marker.id), width: MARKER_PX, height: MARKER_PX };
        elkNode.children.unshift(markerElk);
        info.set(markerElk.id, { node: marker, elk: markerElk });
        edges.push({ id: marker.id, sources: [markerElk.id], targets: [elkId(state.initial)] });
        meta.set(marker.id, { transitions: [], source: marker.id, target: state.initial, lines: [] });
      }
    }
    info.set(elkNode.id, { node, elk: elkNode });
    return elkNode;
  };
  const root = build(structure.states[0]!, 0);

  // one edge per (source, target): three events from `running` to `committing` are one arrow with three lines
  const grouped = new Map<string, { source: string; target: string; transitions: string[]; lines: string[] }>();
  for (const t of structure.transitions) {
    for (const target of t.targets) {
      const key = `${t.source}\u0000${target}`;
      const group = grouped.get(key) ?? { source: t.source, target, transitions: [], lines: [] };
      group.transitions.push(t.id);
      group.lines.push(t.label);
      grouped.set(key, group);
    }
  }
  let n = 0;
  for (const group of grouped.values()) {
    const id = `edge:${n++}`;
    // semibold: the label of the transition last taken is drawn so, and must not grow into its neighbours then
    const width = Math.ceil(Math.max(...group.lines.map((l) => textPx(l, LINE_FONT_PX, true)))) + 4;
    edges.push({ id, sources: [elkId(group.source)], targets: [elkId(group.target)], labels: [{ text: group.lines.join('\n'), width, height: group.lines.length * LABEL_LINE_PX }] });
    meta.set(id, { transitions: group.transitions, source: group.source, target: group.target, lines: group.lines });
  }

  const laid: ElkNode = await elk.layout({ id: 'graph', layoutOptions: graphOptions, children: [root], edges });
  const nodes: LayoutNode[] = [];
  const collect = (n: ElkNode) => {
    const entry = info.get(n.id);
    if (entry) nodes.push({ ...entry.node, x: round(n.x), y: round(n.y), width: round(n.width), height: round(n.height) });
    for (const child of n.children ?? []) collect(child);
  };
  for (const child of laid.children ?? []) collect(child);
  return {
    width: round(laid.width),
    height: round(laid.height),
    nodes,
    edges: (laid.edges ?? []).map((edge: ElkExtendedEdge) => {
      const m = meta.get(edge.id)!;
      const section = edge.sections?.[0];
      const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => ({ x: round(p.x), y: round(p.y) })) : [];
      const label = edge.labels?.[0];
      return {
        id: edge.id, transitions: m.transitions, source: m.source, target: m.target, points,
        label: label && m.lines.length > 0 ? { lines: m.lines, x: round(label.x), y: round(label.y), width: round(label.width), height: round(label.height) } : null,
      };
    }),
  };
}

/** a sans-serif text's width in px, from em widths per kind of character (a little over common fonts' own) */
export function textPx(text: string, fontPx: number, bold: boolean): number {
  let em = 0;
  for (const c of text) {
    if (/[A-Z@%&]/.test(c)) em += /[MW]/.test(c) ? 0.9 : 0.74;
    else if (/[0-9]/.test(c)) em += 0.64;
    else if (/[ilj.,:;'|!]/.test(c)) em += 0.3;
    else if (/[ frt()[\]{}]/.test(c)) em += 0.42;
    else if (/[mw]/.test(c)) em += 0.9;
    else em += 0.6;
  }
  return em * fontPx * (bold ? 1.08 : 1);
}

function internalLine(t: GraphTransition): string {
  return t.actions.length > 0 ? `${t.label} / ${t.actions.join(', ')}` : t.label;
}

/** ELK needs non-empty ids; the root's state id is '' */
function elkId(stateId: string): string {
  return `s:${stateId}`;
}

function round(n: number | undefined): number {
  return Math.round((n ?? 0) * 10) / 10;
}

/** the graphs computed on first use and kept (machines do not change at run time); a failed layout is tried again next time */
export function cachedMachineGraphs(machines: readonly AnyStateMachine[]): () => Promise<MachineGraph[]> {
  let graphs: Promise<MachineGraph[]> | null = null;
  return () => {
    graphs ??= layoutMachines(machines).catch((error: unknown) => {
      graphs = null;
      throw error;
    });
    return graphs;
  };
}
