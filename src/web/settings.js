// The Settings view: every setting grouped, each with its label, unit and range; Save sends only what
// changed, and a refusal (400) is shown next to each field Keel names — nothing is saved then.
// Unsaved changes are announced, and leaving (another view, closing the tab) asks first.
import { html } from './html.js';
import { useEffect } from 'preact/hooks';
import { signal, useSignal } from '@preact/signals';
import { api } from './api.js';
import { SETTING_GROUPS, fromText, toText } from './settings-fields.js';
import { ModeSwitch } from './mode-switch.js';
import { status } from './live.js';

const FIELDS = SETTING_GROUPS.flatMap((g) => g.fields);
const LEAVE = 'Settings have unsaved changes. Leave without saving?';
/** key → the input's text, for fields the trader touched; kept while another view shows (the back
 *  button cannot be intercepted), so coming back finds the edits and the warning still there */
const draft = signal({});

export function Settings() {
  const saved = useSignal(null); // the config as Keel last answered it
  const issues = useSignal({}); // key → Keel's messages
  const loadError = useSignal(null);
  const note = useSignal(null);
  const busy = useSignal(false);

  const load = async () => {
    loadError.value = null;
    try {
      saved.value = await api('GET', '/api/bot/config');
    } catch (failure) {
      loadError.value = failure.message;
    }
  };
  useEffect(() => { load(); }, []);

  const changed = saved.value ? FIELDS.filter((f) => f.key in draft.value && draft.value[f.key] !== toText(f, saved.value[f.key])) : [];
  const dirty = changed.length > 0;

  useEffect(() => {
    if (!dirty) return undefined;
    const onUnload = (e) => { e.preventDefault(); e.returnValue = LEAVE; };
    // a link to another view: the hash change cannot be undone cleanly, so ask before it happens
    const onClick = (e) => {
      const link = e.target.closest && e.target.closest('a[href^="#"]');
      if (link && !link.getAttribute('href').startsWith('#/settings') && !confirm(LEAVE)) e.preventDefault();
    };
    addEventListener('beforeunload', onUnload);
    document.addEventListener('click', onClick, true);
    return () => { removeEventListener('beforeunload', onUnload); document.removeEventListener('click', onClick, true); };
  }, [dirty]);

  const save = async (e) => {
    e.preventDefault();
    busy.value = true;
    issues.value = {};
    note.value = null;
    const patch = Object.fromEntries(changed.map((f) => [f.key, fromText(f, draft.value[f.key])]));
    try {
      saved.value = await api('PATCH', '/api/bot/config', patch);
      draft.value = {};
      note.value = { ok: true, text: `Saved ${changed.length} setting${changed.length === 1 ? '' : 's'}.` };
    } catch (failure) {
      const byField = {};
      for (const issue of failure.issues ?? []) (byField[issue.path.split('.')[0]] ??= []).push(issue.message);
      issues.value = byField;
      const named = FIELDS.filter((f) => f.key in byField).map((f) => f.label);
      note.value = { ok: false, text: `Nothing was saved: ${named.length > 0 ? `Keel refused ${named.join(', ')} (the reason is next to each)` : failure.message}` };
      // the first field Keel named, once it shows its message, in the middle of the screen
      requestAnimationFrame(() => {
        const first = document.querySelector('.settings [aria-invalid="true"]');
        if (!first) return;
        first.scrollIntoView({ block: 'center' });
        first.focus({ preventScroll: true });
      });
    } finally {
      busy.value = false;
    }
  };

  if (loadError.value) return html`<div class="error-state" role="alert"><p>Could not load the settings: ${loadError.value}</p><button type="button" onClick=${load}>Try again</button></div>`;
  if (!saved.value) return html`<p class="loading" role="status">Loading settings…</p>`;
  const set = (key, text) => { draft.value = { ...draft.value, [key]: text }; };
  const textOf = (f) => (f.key in draft.value ? draft.value[f.key] : toText(f, saved.value[f.key]));

  return html`
    <form class="settings" onSubmit=${save} noValidate>
      <div class="save-bar">
        ${dirty ? html`<p class="unsaved" role="status">Unsaved changes: ${changed.map((f) => f.label).join(', ')}</p>` : html`<p class="muted">Every change is journaled. Alpaca keys stay in Keel's environment and are not shown here.</p>`}
        <button type="submit" disabled=${busy.value || !dirty}>Save</button>
        ${dirty && html`<button type="button" class="quiet" onClick=${() => { draft.value = {}; issues.value = {}; }}>Discard</button>`}
        ${note.value && html`<p class=${`note ${note.value.ok ? 'saved' : 'error'}`} role=${note.value.ok ? 'status' : 'alert'}>${note.value.text}</p>`}
      </div>
      ${SETTING_GROUPS.map((group) => html`
        <fieldset>
          <legend>${group.name}</legend>
          <p class="muted why">${group.why}</p>
          ${group.fields.map((f) => html`<${Field} field=${f} text=${textOf(f)} problems=${issues.value[f.key]} onText=${(t) => set(f.key, t)} />`)}
        </fieldset>`)}
    </form>
    <${ModeSwitch} status=${status.value} mode=${saved.value.mode} onChanged=${load} />`;
}

function Field({ field: f, text, problems, onText }) {
  const id = `setting-${f.key}`;
  const hint = `${id}-hint`;
  const err = `${id}-error`;
  const described = problems ? `${hint} ${err}` : hint;
  let input;
  if (f.kind === 'bool') {
    input = html`<input id=${id} type="checkbox" checked=${text} aria-describedby=${described} onChange=${(e) => onText(e.currentTarget.checked)} />`;
  } else if (f.kind === 'enum') {
    input = html`<select id=${id} aria-describedby=${described} aria-invalid=${problems ? 'true' : undefined} onChange=${(e) => onText(e.currentTarget.value)}>
      ${f.options.map(([value, label]) => html`<option value=${value} selected=${value === text}>${label}</option>`)}</select>`;
  } else if (f.kind === 'tiers') {
    const chosen = new Set(text === '' ? [] : text.split(','));
    const toggle = (tier) => { const next = new Set(chosen); next.has(tier) ? next.delete(tier) : next.add(tier); onText([...next].sort().join(',')); };
    return html`
      <div class="field">
        <fieldset class="tiers" aria-describedby=${described}>
          <legend>${f.label}</legend>
          ${['1', '2', '3', '4'].map((tier) => html`<label class="inline"><input type="checkbox" checked=${chosen.has(tier)} onChange=${() => toggle(tier)} /> Tier ${tier}</label>`)}
        </fieldset>
        <small id=${hint} class="muted">${f.range}</small>
        ${problems && html`<p id=${err} class="field-error" role="alert">${problems.join('; ')}</p>`}
      </div>`;
  } else if (f.kind === 'json') {
    input = html`<textarea id=${id} rows="4" spellcheck="false" aria-describedby=${described} aria-invalid=${problems ? 'true' : undefined}
      onInput=${(e) => onText(e.currentTarget.value)}>${text}</textarea>`;
  } else {
    const numeric = f.kind !== 'money' && f.kind !== 'time' && f.kind !== 'list';
    input = html`<input id=${id} type=${numeric ? 'number' : 'text'} step=${numeric ? 'any' : undefined} inputmode=${f.kind === 'money' ? 'decimal' : undefined}
      placeholder=${f.kind === 'time' ? 'HH:MM' : f.kind.endsWith('-or-none') ? (f.kind === 'pct-or-none' ? 'off' : 'no cap') : undefined}
      value=${text} aria-describedby=${described} aria-invalid=${problems ? 'true' : undefined} onInput=${(e) => onText(e.currentTarget.value)} />`;
  }
  const label = html`<label for=${id}>${f.label}${f.unit && html` <span class="unit">(${f.unit})</span>`}</label>`;
  return html`
    <div class=${`field ${f.kind === 'bool' ? 'check' : ''}`}>
      ${f.kind === 'bool' ? html`${input}${label}` : html`${label}${input}`}
      <small id=${hint} class="muted">${f.range ?? ''}</small>
      ${problems && html`<p id=${err} class="field-error" role="alert">${problems.join('; ')}</p>`}
    </div>`;
}
