// The bot's lifecycle buttons: each one enabled only when Keel lists it in allowedActions; Stop asks
// first. A refusal shows Keel's own message. The kill switch sits beside them, on every view.
import { html } from './html.js';
import { useRef } from 'preact/hooks';
import { useSignal } from '@preact/signals';
import { api } from './api.js';
import { ACTION_LABELS } from './format.js';
import { KillSwitch } from './kill-switch.js';

const ORDER = ['start', 'pause', 'resume', 'stop', 'acknowledge-halt'];

export function Controls({ status, onStatus }) {
  const error = useSignal(null);
  const busy = useSignal(false);
  const dialog = useRef(null);
  const allowed = new Set(status ? status.allowedActions : []);
  const act = async (action) => {
    busy.value = true;
    error.value = null;
    try {
      onStatus(await api('POST', `/api/bot/${action}`));
    } catch (failure) {
      error.value = failure.message;
    } finally {
      busy.value = false;
    }
  };
  const press = (action) => (action === 'stop' ? dialog.current.showModal() : act(action));
  const confirmStop = (e) => {
    e.preventDefault();
    dialog.current.close();
    act('stop');
  };
  return html`
    <section class="controls" aria-label="Controls">
      ${ORDER.map((action) => html`
        <button type="button" class=${action === 'stop' ? 'danger' : ''} disabled=${busy.value || !allowed.has(action)}
          onClick=${() => press(action)}>${ACTION_LABELS[action]}</button>`)}
      <${KillSwitch} status=${status} onStatus=${onStatus} />
      ${error.value && html`<p class="error" role="alert">${error.value}</p>`}
      <dialog ref=${dialog} aria-labelledby="stop-title">
        <form method="dialog" onSubmit=${confirmStop}>
          <h2 id="stop-title">Stop the bot?</h2>
          <p>Keel stops all activity: no new entries and no exits until it is started again.</p>
          <div class="row">
            <button type="button" onClick=${() => dialog.current.close()}>Cancel</button>
            <button type="submit" class="danger">Stop the bot</button>
          </div>
        </form>
      </dialog>
    </section>`;
}
