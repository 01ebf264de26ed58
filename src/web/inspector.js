// The Inspector view: the machines that run, drawn from the server's layout, and their actors live.
// It loads the graphs once, the live actors (GET /api/inspector/actors), then follows the event
// stream (/api/inspector/events) from a little before that answer, so the log opens with the last
// steps; a step newer than the answer moves its actor. A `gap` (the stream lost events) reloads the
// actors. Pick an actor (the bot, then one per position, by symbol): its machine's drawing
// highlights its current state and animates its last transition. An actor that ends stays in the
// list, marked ended, until a few newer ones have ended too, so its last state can still be read.
import { useEffect, useRef } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { html } from './html.js';
import { api } from './api.js';
import { nyTime } from './format.js';
import { Statechart, activeSet } from './statechart.js';

/** log rows kept; steps replayed on open */
const LOG_SIZE = 100;
const REPLAY = 30;
/** ended actors kept in the list */
const ENDED_KEPT = 10;

let graphsOnce = null;
const loadGraphs = () => {
  graphsOnce ??= api('GET', '/api/inspector/machines').then((a) => a.items, (failure) => { graphsOnce = null; throw failure; });
  return graphsOnce;
};

export function actorLabel(a) {
  if (a.tradeId === null) return a.id;
  return a.symbol ? `${a.symbol} · position ${a.tradeId}` : `position ${a.tradeId}`;
}

export function Inspector() {
  const graphs = useSignal(null);
  const actors = useSignal(null);
  const log = useSignal([]);
  const selected = useSignal('bot');
  const error = useSignal(null);
  const lastSteps = useRef({});
  const stepTick = useSignal(0);

  useEffect(() => {
    let source = null;
    let closed = false;
    const start = async () => {
      try {
        const [g, current] = await Promise.all([loadGraphs(), api('GET', '/api/inspector/actors')]);
        if (closed) return;
        graphs.value = g;
        actors.value = current.items.map((a) => ({ ...a, ended: false }));
        error.value = null;
        source = new EventSource(`/api/inspector/events?since=${Math.max(0, current.lastSeq - REPLAY)}`);
        source.addEventListener('step', (e) => onStep(JSON.parse(e.data), current.lastSeq));
        source.addEventListener('gap', () => { reload(); });
      } catch (failure) {
        if (!closed) error.value = failure.message;
      }
    };
    const reload = () => { if (source) source.close(); source = null; start(); };
    const onStep = (step, answeredAt) => {
      log.value = [step, ...log.value].slice(0, LOG_SIZE);
      if (step.seq <= answeredAt) return;
      const known = (actors.value || []).some((a) => a.id === step.actorId);
      lastSteps.current[step.actorId] = step;
      actors.value = applyStep(actors.value || [], step);
      stepTick.value += 1;
      // a new position's symbol is in the actor list, not in its steps
      if (!known && step.kind === 'started') identify();
    };
    const identify = async () => {
      try {
        const { items } = await api('GET', '/api/inspector/actors');
        const byId = new Map(items.map((a) => [a.id, a]));
        actors.value = (actors.value || []).map((a) => (byId.has(a.id) ? { ...a, tradeId: byId.get(a.id).tradeId, symbol: byId.get(a.id).symbol } : a));
      } catch {
        // the label falls back to the trade id; the next new actor tries again
      }
    };
    start();
    return () => { closed = true; if (source) source.close(); };
  }, []);

  if (error.value) return html`<p class="error" role="alert">Could not load the inspector: ${error.value}</p>`;
  if (graphs.value === null || actors.value === null) return html`<p class="loading" role="status">Loading the machines…</p>`;
  const list = actors.value;
  const chosen = list.find((a) => a.id === selected.value) || list[0] || null;
  const step = chosen ? lastSteps.current[chosen.id] : null;
  const invokeSrc = new Map(graphs.value.flatMap((g) => g.states.flatMap((st) => st.invokes.map((inv) => [inv.id, inv.src]))));
  return html`
    <div class="inspector">
      <section class="inspector-actors" aria-labelledby="inspector-actors-title">
        <h2 id="inspector-actors-title">Live actors</h2>
        ${list.length === 0 ? html`<p class="muted">No actor is running: the bot's actor starts with the writer.</p>` : html`
          <ul class="actor-list">
            ${list.map((a) => html`<li key=${a.id}>
              <button type="button" class=${a.ended ? 'ended' : ''} aria-pressed=${chosen && a.id === chosen.id ? 'true' : 'false'} onClick=${() => { selected.value = a.id; }}>
                <span class="actor-name">${actorLabel(a)}</span>
                <span class="actor-state">${a.state.join(', ') || '—'}${a.ended ? ` (${a.status})` : ''}</span>
              </button>
            </li>`)}
          </ul>`}
      </section>
      <section class="inspector-charts" aria-label="Statecharts">
        ${chosen && html`<p class="current-state" aria-live="polite">
          <span class="muted">${actorLabel(chosen)} · </span>Current state: <strong>${chosen.state.join(', ')}</strong>${chosen.ended ? html` <span class="word">${chosen.status}</span>` : ''}
        </p>`}
        <div class="charts-row">
        ${graphs.value.map((g) => {
          const mine = chosen && chosen.machine === g.machine;
          return html`<figure key=${g.machine} class="chart-figure">
            <figcaption>${g.machine}${mine ? html` <span class="muted">— showing ${actorLabel(chosen)}</span>` : ''}</figcaption>
            <div class="chart-frame">
              <${Statechart} graph=${g} active=${mine ? activeSet(chosen.state) : new Set()} leaves=${mine ? chosen.state : []}
                lastStep=${mine && step ? step.transitions : []} stepKey=${mine && step ? step.seq : 0} />
            </div>
          </figure>`;
        })}
        </div>
      </section>
      <section class="inspector-log" aria-labelledby="inspector-log-title">
        <h2 id="inspector-log-title">Events <span class="muted">(latest first)</span></h2>
        ${log.value.length === 0 ? html`<p class="muted">No step yet: start the bot or post a signal.</p>` : html`
          <div class="table-wrap"><table class="compact">
            <thead><tr><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Event</th><th scope="col">Transition</th><th scope="col">State after</th></tr></thead>
            <tbody>${log.value.map((e) => {
              const t = nyTime(e.at);
              return html`<tr key=${e.seq}><td title=${t.title}>${t.text}</td><td>${e.actorId}</td><td title=${e.event}>${stepText(e, invokeSrc)}</td><td>${e.transitions.map((t) => `${t.source || '(root)'} → ${t.targets.join(', ') || '(stays)'}`).join('; ')}</td><td>${e.state.join(', ')}${e.status !== 'active' ? ` (${e.status})` : ''}</td></tr>`;
            })}</tbody>
          </table></div>`}
      </section>
    </div>`;
}

/** XState's internal event names told the way the drawing labels them */
export function stepText(e, invokeSrc = new Map()) {
  if (e.kind === 'started') return 'started';
  if (e.kind === 'status') return e.status;
  const ev = e.event;
  for (const kind of ['done', 'error']) {
    const prefix = `xstate.${kind}.actor.`;
    if (ev.startsWith(prefix)) {
      const id = ev.slice(prefix.length);
      return `${kind}: ${invokeSrc.get(id) ?? id}`;
    }
  }
  if (ev.startsWith('xstate.after.')) return `after ${ev.slice('xstate.after.'.length).split('.')[0]}`;
  if (ev === 'xstate.init') return 'init';
  return ev;
}

/** the actor list after a step: a new actor joins, a known one moves, an ended one is marked (the oldest ended drop off) */
export function applyStep(list, step) {
  const i = list.findIndex((a) => a.id === step.actorId);
  const ended = step.status !== 'active';
  const base = i >= 0 ? list[i] : { id: step.actorId, machine: step.machine, parentId: step.parentId, tradeId: null, symbol: null, since: step.at };
  if (i < 0 && step.kind !== 'started') return list;
  const tradeId = base.tradeId ?? (/^position:(.+)$/.exec(step.actorId) || [])[1] ?? null;
  const next = { ...base, tradeId, state: step.state, status: step.status, updatedAt: step.at, ended };
  const out = i >= 0 ? list.map((a, j) => (j === i ? next : a)) : [...list, next];
  const endedIds = out.filter((a) => a.ended).map((a) => a.id);
  const drop = new Set(endedIds.slice(0, Math.max(0, endedIds.length - ENDED_KEPT)));
  return out.filter((a) => !drop.has(a.id));
}
