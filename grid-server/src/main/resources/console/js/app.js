// The console shell: sign-in, navigation for the token's role, the operator's tenant picker and a hash router
// (#/jobs/42?state=RUNNING). Views are modules exporting render(root, ctx).
import * as api from './api.js';
import { el, clear, errorBox } from './dom.js';
import { disposeCharts } from './charts.js';
import centers from './views/centers.js';
import utilisation from './views/utilisation.js';
import queues from './views/queues.js';
import revenue from './views/revenue.js';
import jobs from './views/jobs.js';
import job from './views/job.js';
import services from './views/services.js';
import usage from './views/usage.js';
import bills from './views/bills.js';
import vouchers from './views/vouchers.js';

const ROUTES = [
  { path: 'centers', label: 'Centers', group: 'Operations', operator: true, view: centers },
  { path: 'utilisation', label: 'Utilisation', group: 'Operations', operator: true, view: utilisation },
  { path: 'queues', label: 'Queues', group: 'Operations', operator: true, view: queues },
  { path: 'revenue', label: 'Revenue', group: 'Operations', operator: true, view: revenue },
  { path: 'jobs', label: 'Jobs', group: 'Workloads', view: jobs },
  { path: 'jobs/:id', parent: 'jobs', view: job },
  { path: 'services', label: 'Services', group: 'Workloads', view: services },
  { path: 'services/:id', parent: 'services', view: services },
  { path: 'usage', label: 'Usage', group: 'Account', view: usage },
  { path: 'bills', label: 'Bills', group: 'Account', view: bills },
  { path: 'vouchers', label: 'Vouchers', group: 'Account', view: vouchers },
];
const TENANT_KEY = 'computegrid.console.tenant';
const $ = (id) => document.getElementById(id);
const state = { me: null, tenants: [], tenant: null, abort: null, navs: 0 };

function showSignIn(message) {
  state.me = null;
  if (state.abort) state.abort.abort();
  disposeCharts();
  clear($('view'));
  $('shell').hidden = true;
  $('signin').hidden = false;
  const err = $('signin-error');
  err.textContent = message || '';
  err.hidden = !message;
  $('signin-token').value = '';
  $('signin-token').focus();
}

function signOut(message) {
  api.token.clear();
  sessionStorage.removeItem(TENANT_KEY);
  history.replaceState(null, '', location.pathname);
  showSignIn(message);
}

async function signIn(event) {
  event.preventDefault();
  const t = $('signin-token').value.trim();
  if (!t) {
    showSignIn('Paste a token first.');
    return;
  }
  $('signin-submit').disabled = true;
  api.token.set(t);
  try {
    await start();
  } catch (e) {
    api.token.clear();
    showSignIn(e.status === 401 ? 'The server did not accept this token (401 Unauthorized: ' + e.message + ').'
      : 'Sign-in failed: ' + e.message);
  } finally {
    $('signin-submit').disabled = false;
  }
}

/** Learns who the token is, then builds the shell for that role. */
async function start() {
  // both at once: every token may list the tenants it can see (a member: its own)
  const [me, tenants] = await Promise.all([api.get('/api/v1/me'), api.get('/api/v1/tenants')]);
  state.me = me;
  state.tenants = tenants.items.map((t) => t.name);
  const saved = sessionStorage.getItem(TENANT_KEY);
  state.tenant = me.operator ? (state.tenants.includes(saved) ? saved : null) : me.tenant;
  buildShell();
  $('signin').hidden = true;
  $('shell').hidden = false;
  if (!location.hash || location.hash === '#' || location.hash === '#/') {
    location.hash = '#/' + (me.operator ? 'centers' : 'jobs');
  } else {
    await route();
  }
}

function buildShell() {
  const me = state.me;
  const nav = clear($('nav'));
  let group = null;
  for (const r of ROUTES) {
    if (!r.label || (r.operator && !me.operator)) continue;
    if (r.group !== group) {
      group = r.group;
      nav.append(el('div', { class: 'nav-group' }, group));
    }
    nav.append(el('a', { class: 'nav-link', href: '#/' + r.path, data: { route: r.path } }, r.label));
  }
  clear($('whoami')).append(el('span', { class: 'role', data: { test: 'role' } }, me.role));
  if (me.tenant) $('whoami').append(el('span', { data: { test: 'tenant' } }, me.tenant));
  $('server-info').textContent = 'token #' + me.tokenId + ' · kept in this tab only';
  const wrap = $('tenant-picker-wrap');
  wrap.hidden = !me.operator;
  if (me.operator) {
    const picker = clear($('tenant-picker'));
    picker.append(el('option', { value: '' }, 'All tenants'),
      state.tenants.map((t) => el('option', { value: t, selected: t === state.tenant }, t)));
    picker.onchange = () => {
      state.tenant = picker.value || null;
      if (state.tenant) sessionStorage.setItem(TENANT_KEY, state.tenant);
      else sessionStorage.removeItem(TENANT_KEY);
      route();
    };
  }
}

function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const r of ROUTES) {
    const pat = r.path.split('/');
    if (pat.length !== parts.length) continue;
    const params = {};
    if (pat.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = decodeURIComponent(parts[i])), true)
      : p === parts[i]))) {
      return { route: r, id: params.id };
    }
  }
  return null;
}

async function route() {
  if (!state.me) return;
  if (state.abort) state.abort.abort();
  const abort = new AbortController();
  state.abort = abort;
  disposeCharts();
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  const m = match(path || '');
  const view = clear($('view'));
  const active = m ? m.route.parent || m.route.path : null;
  document.querySelectorAll('.nav-link').forEach((a) => a.classList.toggle('active', a.dataset.route === active));
  if (!m || (m.route.operator && !state.me.operator)) {
    $('page-title').textContent = 'Not found';
    view.dataset.view = 'none';
    view.dataset.state = 'ready';
    view.dataset.nav = String(++state.navs);
    view.append(el('div', { class: 'notice', data: { test: 'not-found' } },
      m ? 'This page is for operators; your token belongs to tenant ' + state.me.tenant + '.'
        : 'There is no console page at ' + location.hash + '.'));
    return;
  }
  const label = m.route.label || ROUTES.find((r) => r.path === m.route.parent).label;
  $('page-title').textContent = label;
  const params = new URLSearchParams(query || '');
  const ctx = {
    me: state.me, tenant: state.tenant, tenants: state.tenants, id: m.id, params, signal: abort.signal,
    title: (t) => { $('page-title').textContent = t; },
    go: (p, q) => {
      const s = new URLSearchParams(Object.entries(q || {}).filter(([, v]) => v !== null && v !== undefined && v !== ''))
        .toString();
      location.hash = '#/' + p + (s ? '?' + s : '');
    },
  };
  view.dataset.view = m.route.path;
  view.dataset.state = 'loading';
  view.dataset.nav = String(++state.navs); // lets tests and the benchmark wait for this navigation
  try {
    await m.route.view.render(view, ctx);
    if (!abort.signal.aborted) {
      view.dataset.state = 'ready';
      performance.mark('console:view-ready', { detail: m.route.path }); // read by grid bench joblist
    }
  } catch (e) {
    if (e.name === 'AbortError' || abort.signal.aborted) return;
    view.append(errorBox(e));
    view.dataset.state = 'error';
  }
}

api.onUnauthorized(() => {
  if (state.me) signOut('Your session ended: the server no longer accepts this token.');
});
window.addEventListener('hashchange', route);
$('signin-form').addEventListener('submit', signIn);
$('signout').addEventListener('click', () => signOut());

if (api.token.get()) {
  start().catch((e) => {
    api.token.clear();
    showSignIn(e.status === 401 ? 'Your session ended: the server no longer accepts this token.' : e.message);
  });
} else {
  showSignIn();
}
