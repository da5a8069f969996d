// Operator: what waits, for whom, on which model, and why (the scheduler's wait-reason codes).
import { get } from '../api.js';
import { el, panel, kpis, table, link } from '../dom.js';
import { num, duration } from '../format.js';
import { chart, valueAxis } from '../charts.js';

export default {
  async render(root, ctx) {
    const q = await get('/api/v1/stats/queues', null, ctx);
    const top = q.byReason[0];
    root.append(kpis([
      { id: 'pending', label: 'Pending jobs', value: num(q.pending),
        sub: num(q.byTenant.reduce((s, t) => s + t.cards, 0)) + ' cards asked for' },
      { id: 'oldest', label: 'Oldest wait', value: q.pending ? duration(q.oldestWaitSeconds) : '–' },
      { id: 'tenants', label: 'Tenants waiting', value: num(q.byTenant.length) },
      { id: 'reason', label: 'Most common reason', value: top ? top.code : '–',
        sub: top ? num(top.pending) + ' jobs' : 'nothing waits' },
    ]));
    const reasons = [...q.byReason].reverse();
    root.append(el('div', { class: 'grid-2' },
      panel('Pending by wait reason', 'jobs per code from the last scheduling cycle', el('div', { class: 'panel-body' },
        q.byReason.length ? chart('queues-reasons', {
          grid: { left: 16, right: 32, top: 16, bottom: 24, containLabel: true },
          legend: { show: false },
          xAxis: valueAxis(''),
          yAxis: { type: 'category', data: reasons.map((r) => r.code), axisLabel: { color: '#475467' } },
          tooltip: { trigger: 'axis', renderMode: 'richText' },
          series: [{ name: 'pending', type: 'bar', data: reasons.map((r) => r.pending), barMaxWidth: 28,
            label: { show: true, position: 'right' } }],
        }) : el('div', { class: 'empty' }, 'Nothing waits.'))),
      panel('Pending by tenant', null, el('div', { class: 'panel-body flush' }, table([
        { label: 'Tenant', value: (t) => t.tenant },
        { label: 'Jobs', num: true, value: (t) => el('span', { data: { test: 'tenant-pending' } }, num(t.pending)) },
        { label: 'Cards', num: true, value: (t) => num(t.cards) },
        { label: 'Oldest wait', num: true, value: (t) => duration(t.oldestWaitSeconds) },
      ], q.byTenant, { test: 'queue-tenants', key: (t) => t.tenant, empty: 'No tenant has pending jobs.' })))));
    root.append(el('div', { class: 'grid-2' },
      panel('Pending by center and model', 'requested centers ("any": not restricted)',
        el('div', { class: 'panel-body flush' }, table([
          { label: 'Centers', value: (m) => m.centers },
          { label: 'Model', value: (m) => m.accelerator },
          { label: 'Jobs', num: true, value: (m) => num(m.pending) },
          { label: 'Cards', num: true, value: (m) => num(m.cards) },
          { label: 'Oldest wait', num: true, value: (m) => duration(m.oldestWaitSeconds) },
        ], q.byModel, { test: 'queue-models', empty: 'Nothing waits.' }))),
      panel('Wait reasons', null, el('div', { class: 'panel-body flush' }, table([
        { label: 'Code', value: (r) => el('code', null, r.code) },
        { label: 'Plugin', value: (r) => r.plugin || '–' },
        { label: 'Jobs', num: true, value: (r) => el('span', { data: { test: 'reason-pending' } }, num(r.pending)) },
        { label: 'Example', cls: 'wrap', value: (r) => r.example || 'not yet looked at by a scheduling cycle' },
      ], q.byReason, { test: 'queue-reasons', key: (r) => r.code, empty: 'Nothing waits.' })))));
    root.append(panel('Oldest waits', 'the ten jobs waiting longest', el('div', { class: 'panel-body flush' }, table([
      { label: 'Job', value: (j) => link('/jobs/' + j.id, '#' + j.id) },
      { label: 'Name', value: (j) => j.name },
      { label: 'Tenant', value: (j) => j.tenant },
      { label: 'Model', value: (j) => j.accelerator },
      { label: 'Cards', num: true, value: (j) => num(j.cards) },
      { label: 'Waiting', num: true, value: (j) => duration(j.waitSeconds) },
      { label: 'Why', cls: 'wrap', value: (j) => el('span', null, el('code', null, j.code), ' ', j.reason) },
    ], q.oldest, { test: 'queue-oldest', key: (j) => j.id, empty: 'Nothing waits.' }))));
  },
};
