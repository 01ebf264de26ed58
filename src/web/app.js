// The dashboard's shell: sign-in, then the status bar and controls on every view, a nav link per
// view, and the view itself (each shows its empty state until its data arrives). Views are picked
// by the URL's hash, so the back button and bookmarks work with no server routes.
import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { signal } from '@preact/signals';
import { html } from './html.js';
import { api } from './api.js';
import { connect, connection, disconnect, reconnectLater, status } from './live.js';
import { SignIn } from './sign-in.js';
import { StatusBar } from './status-bar.js';
import { Controls } from './controls.js';
import { Journal } from './journal.js';
import { Positions } from './positions.js';
import { TradePage } from './trade-page.js';
import { Settings } from './settings.js';
import { ApprovalsView } from './approvals-view.js';
import { SignalsView } from './signals-view.js';
import { Performance } from './performance.js';
import { Inspector } from './inspector.js';

// a view with a `component` renders it (its own loading, error and empty states); one without shows `empty`
const VIEWS = [
  { id: 'positions', name: 'Positions', component: Positions },
  { id: 'approvals', name: 'Approvals', component: ApprovalsView, empty: 'Nothing waits for approval. In semi-auto mode, signals that passed every check wait here.' },
  { id: 'signals', name: 'Signals', component: SignalsView, empty: 'No signals yet. Signals Keel receives show up here with their decision.' },
  // #/journal/<trade id> is one trade's page
  { id: 'journal', name: 'Journal', component: ({ arg }) => (arg ? html`<${TradePage} id=${arg} />` : html`<${Journal} />`) },
  { id: 'performance', name: 'Performance', component: Performance },
  { id: 'settings', name: 'Settings', component: Settings },
  { id: 'inspector', name: 'Inspector', component: Inspector },
];

/** 'checking' until GET /api/session answers, then 'in' or 'out' */
const session = signal('checking');
const route = signal(currentRoute());
/** what follows the view in the hash (#/journal/<id> → the id), or null */
const routeArg = signal(currentArg());
const pageError = signal(null);

function currentArg() {
  const rest = location.hash.replace(/^#\/?/, '').split('/').slice(1).join('/');
  return rest === '' ? null : decodeURIComponent(rest);
}

function currentRoute() {
  const id = location.hash.replace(/^#\/?/, '').split('/')[0];
  return VIEWS.some((v) => v.id === id) ? id : VIEWS[0].id;
}
addEventListener('hashchange', () => { route.value = currentRoute(); routeArg.value = currentArg(); });

async function checkSession() {
  try {
    await api('GET', '/api/session');
    pageError.value = null;
    if (session.value !== 'in') {
      session.value = 'in';
      connect(onStreamClosed);
    } else {
      reconnectLater(onStreamClosed);
    }
  } catch (failure) {
    if (failure.status === 401) {
      disconnect();
      session.value = 'out';
    } else {
      pageError.value = failure.message;
      if (session.value === 'in') reconnectLater(onStreamClosed);
      else setTimeout(checkSession, 5000);
    }
  }
}

/** the stream was refused: signed out (401), or Keel is in trouble (retry in 5 s) */
function onStreamClosed() {
  checkSession();
}

async function signOut() {
  try {
    await api('DELETE', '/api/session');
  } catch (failure) {
    pageError.value = failure.message;
  }
  disconnect();
  session.value = 'out';
}

function App() {
  useEffect(() => { checkSession(); }, []);
  if (session.value === 'checking') return html`<p class="loading" role="status">Loading Keel…</p>`;
  if (session.value === 'out') return html`<${SignIn} onSignedIn=${() => { session.value = 'checking'; checkSession(); }} />`;
  const view = VIEWS.find((v) => v.id === route.value);
  return html`
    <header class="top">
      <div class="brand-row">
        <span class="brand">Keel</span>
        <nav aria-label="Views">
          ${VIEWS.map((v) => html`<a href=${`#/${v.id}`} aria-current=${v.id === route.value ? 'page' : undefined}>${v.name}</a>`)}
        </nav>
        <button type="button" class="quiet" onClick=${signOut}>Sign out</button>
      </div>
      <${StatusBar} status=${status.value} connection=${connection.value} />
      <${Controls} status=${status.value} onStatus=${(next) => { status.value = { ...status.value, ...next }; }} />
      ${pageError.value && html`<p class="error" role="alert">${pageError.value}</p>`}
    </header>
    <main>
      <h1>${view.name}</h1>
      ${view.component ? html`<${view.component} arg=${routeArg.value} />` : html`<div class="empty">${view.empty}</div>`}
    </main>`;
}

render(html`<${App} />`, document.getElementById('app'));
