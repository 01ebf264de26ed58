// The sign-in form: the API token goes to POST /api/session in a request body, never into a URL or
// the page's storage; Keel answers with an HttpOnly cookie the page cannot read.
import { html } from './html.js';
import { useSignal } from '@preact/signals';
import { api } from './api.js';

export function SignIn({ onSignedIn }) {
  const token = useSignal('');
  const error = useSignal(null);
  const busy = useSignal(false);
  const submit = async (e) => {
    e.preventDefault();
    busy.value = true;
    error.value = null;
    try {
      await api('POST', '/api/session', { token: token.value });
      token.value = '';
      onSignedIn();
    } catch (failure) {
      error.value = failure.message;
    } finally {
      busy.value = false;
    }
  };
  return html`
    <main class="sign-in">
      <form onSubmit=${submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Keel</h1>
        <p class="muted">Sign in with the API token Keel printed when it started (or KEEL_API_TOKEN).</p>
        <label for="api-token">API token</label>
        <input id="api-token" type="password" autocomplete="current-password" required
          value=${token.value} onInput=${(e) => { token.value = e.currentTarget.value; }} />
        ${error.value && html`<p class="error" role="alert">${error.value}</p>`}
        <button type="submit" disabled=${busy.value}>Sign in</button>
      </form>
    </main>`;
}
