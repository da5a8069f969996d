// Metered usage: card-hours and P·h by day and model (chart), totals, and the usage records themselves.
import { get } from '../api.js';
import { el, panel, kpis, table, segmented, link } from '../dom.js';
import { num, num3, money, axisLabel, dateTime, duration } from '../format.js';
import { chart, timeAxis, valueAxis } from '../charts.js';

const RANGES = [
  { value: '7d', label: '7 d', days: 7 },
  { value: '30d', label: '30 d', days: 30 },
  { value: '90d', label: '90 d', days: 90 },
];
const PAGE = 100;

function startOf(days) {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() - days + 1);
  return d.toISOString();
}

function records(rows, currency) {
  return table([
    { label: 'Record', value: (u) => '#' + u.id },
    { label: 'Job', value: (u) => link('/jobs/' + u.jobId, '#' + u.jobId) },
    { label: 'Task', num: true, value: (u) => num(u.task) },
    { label: 'Center', value: (u) => u.center + ' / ' + u.pool },
    { label: 'Model', value: (u) => u.accelerator },
    { label: 'Ended', cls: 'nowrap', value: (u) => dateTime(u.to) },
    { label: 'Time', num: true, value: (u) => duration(u.seconds) },
    { label: 'Card-s', num: true, value: (u) => num(u.cardSeconds) },
    { label: 'P·s', num: true, value: (u) => num3(u.pflopSeconds) },
    { label: 'Cost', num: true, value: (u) => money(u.cost, currency) },
    { label: 'Vouchers', num: true, value: (u) => money(u.paidByVouchers) },
    { label: 'Balance', num: true, value: (u) => money(u.paidByBalance) },
  ], rows, { test: 'usage-records', key: (u) => u.id, empty: 'No usage records in this range.' });
}

export default {
  async render(root, ctx) {
    const r = RANGES.find((x) => x.value === ctx.params.get('range')) || RANGES[1];
    const from = startOf(r.days);
    const [s, first] = await Promise.all([
      get('/api/v1/stats/usage', { tenant: ctx.tenant, from, step: '1d' }, ctx),
      get('/api/v1/usage', { tenant: ctx.tenant, from, limit: PAGE }, ctx),
    ]);
    root.append(el('div', { class: 'toolbar' },
      segmented(RANGES, r.value, (v) => ctx.go('usage', { range: v }), 'Range'),
      el('span', { class: 'spacer' }),
      el('span', { class: 'muted' }, (ctx.tenant ? 'Tenant ' + ctx.tenant : 'All tenants') + ' · by day the usage ended')));
    root.append(kpis([
      { id: 'card-hours', label: 'Card-hours', value: num3(s.totals.cardHours) },
      { id: 'pflop-hours', label: 'P·h (FP16 PFLOPS × h)', value: num3(s.totals.pflopHours) },
      { id: 'cost', label: 'Cost', value: money(s.totals.cost, s.currency) },
      { id: 'records', label: 'Records', value: num(s.totals.records) },
    ]));
    const labels = s.times.map((t) => axisLabel(t, s.stepSeconds));
    const pTotal = s.times.map((_, i) => s.series.reduce((a, x) => a + Number(x.pflopHours[i]), 0));
    const series = s.series.map((x) => ({ name: x.accelerator + ' card-h', type: 'bar', stack: 'cards',
      barMaxWidth: 32, data: x.cardHours.map(Number) }));
    series.push({ name: 'P·h (all models)', type: 'line', yAxisIndex: 1, color: '#111a2e', symbolSize: 5, data: pTotal });
    root.append(panel('Card-hours and P·h by day', 'bars: card-hours per model; line: P·h', el('div',
      { class: 'panel-body' }, s.series.length ? chart('usage', {
        xAxis: { ...timeAxis(labels), boundaryGap: true },
        yAxis: [valueAxis('card-h'), { ...valueAxis('P·h'), splitLine: { show: false } }],
        series,
      }, true) : el('div', { class: 'empty' }, 'No usage in this range.'))));
    const body = el('div', { class: 'panel-body flush' }, records(first.items, s.currency));
    const more = el('div', { class: 'pager' }, el('span', { class: 'muted' }, 'Oldest first'));
    let cursor = first.nextCursor;
    let rows = first.items;
    if (cursor) {
      const btn = el('button', { type: 'button', class: 'btn', on: { click: async () => {
        btn.disabled = true;
        const next = await get('/api/v1/usage', { tenant: ctx.tenant, from, limit: PAGE, cursor }, ctx);
        rows = rows.concat(next.items);
        cursor = next.nextCursor;
        body.replaceChildren(records(rows, s.currency));
        btn.disabled = !cursor;
      } } }, 'Load ' + PAGE + ' more');
      more.append(btn);
    }
    root.append(panel('Usage records', 'each a priced interval of one task', el('div', null, body, more)));
  },
};
