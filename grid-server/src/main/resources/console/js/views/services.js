// Inference services of the tenant: replicas, readiness, in-flight requests and the autoscaler's mode.
import { get } from '../api.js';
import { el, panel, table, badge, link, facts, kpis } from '../dom.js';
import { num } from '../format.js';

async function list(root, ctx) {
  const { items } = await get('/api/v1/services', { tenant: ctx.tenant }, ctx);
  const live = items.filter((s) => s.state !== 'DELETED');
  root.append(kpis([
    { id: 'services', label: 'Services', value: num(live.length) },
    { id: 'ready', label: 'Ready replicas', value: num(live.reduce((s, x) => s + x.readyReplicas, 0)) + ' / '
      + num(live.reduce((s, x) => s + x.desiredReplicas, 0)), sub: 'ready / desired' },
    { id: 'inflight', label: 'In-flight requests', value: num(live.reduce((s, x) => s + x.inFlight, 0)) },
  ]));
  root.append(panel('Services', ctx.tenant ? 'tenant ' + ctx.tenant : 'all tenants',
    el('div', { class: 'panel-body flush' }, table([
      { label: 'Name', value: (s) => link('/services/' + s.id, s.name, { data: { test: 'service-link' } }) },
      !ctx.tenant ? { label: 'Tenant', value: (s) => s.tenant } : null,
      { label: 'State', value: (s) => badge(s.state) },
      { label: 'Ready', num: true, value: (s) => el('span', { data: { test: 'service-ready' } },
        num(s.readyReplicas) + ' / ' + num(s.desiredReplicas)) },
      { label: 'Min–max', num: true, value: (s) => num(s.minReplicas) + '–' + num(s.maxReplicas) },
      { label: 'In flight', num: true, value: (s) => num(s.inFlight) },
      { label: 'Autoscaler', value: (s) => (s.autoscaler ? badge(s.autoscaler.mode) : '–') },
      { label: 'URL', value: (s) => el('code', null, s.url || '–') },
    ].filter(Boolean), items, { test: 'services', key: (s) => s.id,
      empty: 'No services. Deploy one with grid serve -f service.yaml.' }))));
}

async function detail(root, ctx) {
  const s = await get('/api/v1/services/' + encodeURIComponent(ctx.id), null, ctx);
  ctx.title('Service ' + s.name);
  const a = s.autoscaler || {};
  root.append(el('div', { class: 'title-row' }, el('h2', null, s.name), badge(s.state)));
  root.append(kpis([
    { id: 'ready', label: 'Ready replicas', value: num(s.readyReplicas) + ' / ' + num(s.desiredReplicas),
      sub: 'between ' + num(s.minReplicas) + ' and ' + num(s.maxReplicas) },
    { id: 'inflight', label: 'In-flight requests', value: num(s.inFlight) },
    { id: 'mode', label: 'Autoscaler', value: a.mode || '–', sub: a.reason || '' },
  ]));
  root.append(panel('Service', null, el('div', { class: 'panel-body' }, facts([
    ['Tenant', s.tenant], ['URL', el('code', null, s.url || '–')],
    ['Stable concurrency', num(a.stableConcurrency)], ['Panic concurrency', num(a.panicConcurrency)],
  ]))));
  root.append(panel('Replicas', 'each replica is a job', el('div', { class: 'panel-body flush' }, table([
    { label: 'Job', value: (r) => link('/jobs/' + r.jobId, '#' + r.jobId) },
    { label: 'State', value: (r) => badge(r.state) },
    { label: 'Ready', value: (r) => badge(r.ready ? 'ready' : 'not ready', r.ready ? 'ok' : 'warn') },
    { label: 'In flight', num: true, value: (r) => num(r.inFlight) },
    { label: 'Center', value: (r) => r.center || '–' },
    { label: 'Node', value: (r) => r.node || '–' },
    { label: 'Endpoint', value: (r) => el('code', null, r.endpoint || '–') },
  ], s.replicas || [], { test: 'replicas', key: (r) => r.jobId, empty: 'No replicas (scaled to zero).' }))));
}

export default {
  async render(root, ctx) {
    try {
      await (ctx.id ? detail(root, ctx) : list(root, ctx));
    } catch (e) {
      // the list itself is never "not found": a 404 means this server has no services API
      if (e.status === 404 && !ctx.id) {
        root.append(el('div', { class: 'notice', data: { test: 'services-unavailable' } },
          'This server has no inference services API.'));
        return;
      }
      throw e;
    }
  },
};
