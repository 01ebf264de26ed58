// One statechart drawn as SVG from the server's layout (GET /api/inspector/machines): every state a
// rounded box inside its parent's box (final states with a double border, each compound's initial
// state marked by a dot and an arrow), every transition an arrow with its events and guards as the
// label. The page computes nothing but the highlight: the active states of the selected actor
// (each leaf and every box around it), and the edges of its last step, animated by CSS each time
// a new step arrives (`stepKey` changes). No inline styles: the page's CSP forbids them.
import { html } from './html.js';

const LINE_PX = 15;
const LABEL_LINE_PX = 14;

/** the leaves and every state around them: 'exiting.submitting' → exiting.submitting, exiting, '' */
export function activeSet(states) {
  const set = new Set();
  for (const leaf of states || []) {
    const parts = leaf.split('.');
    for (let i = parts.length; i >= 0; i--) set.add(parts.slice(0, i).join('.'));
  }
  return set;
}

export function Statechart({ graph, active, leaves, lastStep, stepKey }) {
  const { width, height, nodes, edges } = graph.layout;
  const marker = `sc-arrow-${graph.machine}`;
  const markerLast = `sc-arrow-last-${graph.machine}`;
  const taken = new Set((lastStep || []).flatMap((t) => t.targets.map((target) => `${t.source}\u0000${target}`)));
  const leafSet = new Set(leaves || []);
  return html`
    <svg class="statechart" width=${width} height=${height} viewBox=${`0 0 ${width} ${height}`} role="img" aria-label=${`${graph.machine} statechart`}>
      <defs>
        <marker id=${marker} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" class="sc-arrowhead" />
        </marker>
        <marker id=${markerLast} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" class="sc-arrowhead sc-arrowhead-last" />
        </marker>
      </defs>
      ${nodes.map((n) => (n.kind === 'initial'
        ? html`<circle key=${n.id} class="sc-initial" cx=${n.x + n.width / 2} cy=${n.y + n.height / 2} r=${n.width / 2 - 1} />`
        : html`<${StateBox} key=${n.id} node=${n} isActive=${active.has(n.id)} isLeaf=${leafSet.has(n.id)} />`))}
      ${edges.map((e) => {
        const last = taken.has(`${e.source}\u0000${e.target}`);
        return html`<g key=${last ? `${e.id}:${stepKey}` : e.id} class=${`sc-edge${last ? ' sc-edge-last' : ''}${e.source.startsWith('initial:') ? ' sc-edge-initial' : ''}`}>
          <path d=${pathOf(e.points)} marker-end=${`url(#${last ? markerLast : marker})`} />
          ${e.label && html`<text class="sc-edge-label" x=${e.label.x + 2} y=${e.label.y}>
            ${e.label.lines.map((line, i) => html`<tspan x=${e.label.x + 2} dy=${i === 0 ? LABEL_LINE_PX - 3 : LABEL_LINE_PX}>${line}</tspan>`)}
          </text>`}
        </g>`;
      })}
    </svg>`;
}

function StateBox({ node, isActive, isLeaf }) {
  const cls = `sc-state depth-${Math.min(node.depth, 3)}${isActive ? ' sc-active' : ''}${isLeaf ? ' sc-current' : ''}${node.depth === 0 ? ' sc-root' : ''}`;
  return html`
    <g class=${cls} aria-label=${node.depth === 0 ? `machine ${node.name}` : `state ${node.id}`} aria-current=${isLeaf ? 'true' : undefined} role="group">
      <rect x=${node.x} y=${node.y} width=${node.width} height=${node.height} rx="8" />
      ${node.stateType === 'final' && html`<rect class="sc-final" x=${node.x + 3} y=${node.y + 3} width=${node.width - 6} height=${node.height - 6} rx="6" />`}
      <text class="sc-name" x=${node.x + 12} y=${node.y + 17}>${node.name}</text>
      ${node.lines.map((line, i) => html`<text class="sc-line" x=${node.x + 12} y=${node.y + 22 + LINE_PX * i + 10}>${line}</text>`)}
    </g>`;
}

function pathOf(points) {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'} ${p.x} ${p.y}`).join(' ');
}
