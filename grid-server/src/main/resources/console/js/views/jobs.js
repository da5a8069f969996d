// Jobs of the tenant (or of all tenants for an operator), newest first, with state and name filters and
// keyset paging (the API's cursor), so page 1,000 costs what page 1 does.
import { get } from '../api.js';
import { el, panel, table, badge, link, select } from '../dom.js';
import { num, dateTime, duration, between } from '../format.js';

export const STATES = ['PENDING', 'ADMITTED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
const PAGE = 50;
let newer = []; // cursors of the pages before this one, for "Newer"
let filterKey = null;

export function requested(spec) {
  const a = spec && spec.resources ? spec.resources.accelerator : null;
  if (!a) return 'cpu';
  return Array.isArray(a) ? a.map((x) => (typeof x === 'string' ? x : x.model)).join(' | ') : a;
}

export function cards(spec) {
  const count = spec && spec.resources ? Number(String(spec.resources.count ?? 0).replace(/m$/, '')) : 0;
  const milli = spec && spec.resources && /m$/.test(String(spec.resources.count)) ? count / 1000 : count;
  return (spec && spec.tasks ? spec.tasks : 1) * (Number.isNaN(milli) ? 0 : milli);
}

export default {
  async render(root, ctx) {
    const state = ctx.params.get('state') || '';
    const name = ctx.params.get('name') || '';
    const cursor = ctx.params.get('cursor') || '';
    const key = [ctx.tenant, state, name].join('\u0000');
    if (key !== filterKey || !cursor) {
      newer = [];
      filterKey = key;
    }
    const nameInput = el('input', { type: 'text', value: name, placeholder: 'exact job name', 'aria-label': 'Name',
      data: { test: 'name-filter' } });
    const apply = (q) => ctx.go('jobs', { state, name: nameInput.value.trim(), ...q });
    root.append(el('form', { class: 'toolbar', on: { submit: (e) => { e.preventDefault(); apply({}); } } },
      el('label', null, 'State', select([{ value: '', label: 'Any state' }, ...STATES.map((s) => ({ value: s, label: s }))],
        state, (v) => apply({ state: v }), { 'aria-label': 'State', data: { test: 'state-filter' } })),
      el('label', null, 'Name', nameInput),
      el('button', { type: 'submit', class: 'btn' }, 'Apply'),
      el('span', { class: 'spacer' }),
      el('span', { class: 'muted' }, ctx.tenant ? 'Tenant ' + ctx.tenant : 'All tenants')));
    const page = await get('/api/v1/jobs', { tenant: ctx.tenant, state, name, cursor, limit: PAGE }, ctx);
    const showTenant = !ctx.tenant;
    const cols = [
      { label: 'ID', value: (j) => link('/jobs/' + j.id, '#' + j.id, { data: { test: 'job-link' } }) },
      { label: 'Name', value: (j) => j.name },
      showTenant ? { label: 'Tenant', value: (j) => j.tenant } : null,
      { label: 'State', value: (j) => badge(j.state) },
      { label: 'Priority', value: (j) => j.priority },
      { label: 'Where', value: (j) => (j.center ? j.center + ' / ' + j.pool : '–') },
      { label: 'Model', value: (j) => j.accelerator || requested(j.spec) },
      { label: 'Cards', num: true, value: (j) => num(cards(j.spec)) },
      { label: 'Submitted', cls: 'nowrap', value: (j) => dateTime(j.submittedAt) },
      { label: 'Waited', num: true, value: (j) => duration(between(j.submittedAt, j.startedAt)) },
      { label: 'Ran', num: true, value: (j) => (j.startedAt ? duration(between(j.startedAt, j.finishedAt)) : '–') },
    ].filter(Boolean);
    const pager = el('div', { class: 'pager' },
      el('span', { class: 'muted', data: { test: 'page-info' } }, page.items.length
        ? 'Jobs #' + page.items[0].id + ' to #' + page.items[page.items.length - 1].id + ', newest first'
        : 'No jobs'),
      el('button', { type: 'button', class: 'btn', disabled: !cursor, on: { click: () => apply({ cursor: '' }) } },
        '« Newest'),
      el('button', { type: 'button', class: 'btn', disabled: !newer.length, data: { test: 'newer' },
        on: { click: () => apply({ cursor: newer.pop() }) } }, '‹ Newer'),
      el('button', { type: 'button', class: 'btn', disabled: !page.nextCursor, data: { test: 'older' },
        on: { click: () => { newer.push(cursor); apply({ cursor: page.nextCursor }); } } }, 'Older ›'));
    root.append(panel('Jobs', state || name ? 'filtered' : null, el('div', null,
      el('div', { class: 'panel-body flush' }, table(cols, page.items, { test: 'jobs-table', key: (j) => j.id,
        empty: 'No jobs match.' })), pager)));
  },
};
