// Paper ⇄ live, apart from the other settings: Keel switches only while the bot is stopped with no
// open position, and to live only when the trader types "live". The page lists those conditions;
// the API decides, and its refusal is shown as it says it.
import { html } from './html.js';
import { useSignal } from '@preact/signals';
import { api } from './api.js';

export function ModeSwitch({ status, mode, onChanged }) {
  const typed = useSignal('');
  const error = useSignal(null);
  const busy = useSignal(false);
  const target = mode === 'live' ? 'paper' : 'live';
  const stopped = status ? status.state === 'stopped' : null;
  const flat = status ? status.openPositionCount === 0 : null;
  const confirmed = target === 'paper' || typed.value === 'live';

  const submit = async (e) => {
    e.preventDefault();
    if (!confirmed) return;
    busy.value = true;
    error.value = null;
    try {
      await api('PUT', '/api/bot/mode', target === 'live' ? { mode: 'live', confirm: 'live' } : { mode: 'paper' });
      typed.value = '';
      onChanged();
    } catch (failure) {
      error.value = failure.message;
    } finally {
      busy.value = false;
    }
  };
  const check = (ok, text) => html`<li class=${ok === null ? 'muted' : ok ? 'gain' : 'loss'}>${ok === null ? '…' : ok ? '✓' : '✗'} ${text}</li>`;
  return html`
    <section class="mode-switch" aria-labelledby="mode-title">
      <h2 id="mode-title">Trading mode: ${mode === 'live' ? 'LIVE (real money)' : 'PAPER'}</h2>
      <form onSubmit=${submit}>
        <p>Switching to ${target} needs:</p>
        <ul class="checks">
          ${check(stopped, 'the bot stopped')}
          ${check(flat, 'no open positions')}
          ${target === 'live' && check(typed.value === 'live', 'typing "live" below')}
        </ul>
        ${target === 'live' && html`
          <label for="confirm-live">Type "live" to trade real money</label>
          <input id="confirm-live" type="text" autocomplete="off" spellcheck="false" value=${typed.value}
            onInput=${(e) => { typed.value = e.currentTarget.value; }} />`}
        <div class="row start">
          <button type="submit" class=${target === 'live' ? 'danger' : ''} disabled=${busy.value || !confirmed}>${target === 'live' ? 'Switch to live' : 'Switch to paper'}</button>
        </div>
        ${error.value && html`<p class="error" role="alert">Keel refused: ${error.value}</p>`}
      </form>
    </section>`;
}
