// Operator: what providers earned over time (gross charges, platform fees, net) per provider and center.
import { get } from '../api.js';
import { el, panel, kpis, table, segmented } from '../dom.js';
import { money, axisLabel, date } from '../format.js';
import { chart, timeAxis, valueAxis } from '../charts.js';

const RANGES = [
  { value: '7d', label: '7 d', days: 7 },
  { value: '30d', label: '30 d', days: 30 },
  { value: '90d', label: '90 d', days: 90 },
];

/** Midnight UTC `days` ago, so daily buckets are whole days. */
function startOf(days) {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() - days + 1);
  return d.toISOString();
}

export default {
  async render(root, ctx) {
    const r = RANGES.find((x) => x.value === ctx.params.get('range')) || RANGES[1];
    const data = await get('/api/v1/stats/revenue', { from: startOf(r.days), step: '1d' }, ctx);
    const cur = data.currency;
    root.append(el('div', { class: 'toolbar' },
      segmented(RANGES, r.value, (v) => ctx.go('revenue', { range: v }), 'Range'),
      el('span', { class: 'spacer' }),
      el('span', { class: 'muted' }, date(data.from) + ' – ' + date(new Date(Date.parse(data.to) - 1).toISOString())
        + ' · by day the usage ended (as statements count it)')));
    root.append(kpis([
      { id: 'gross', label: 'Gross charges', value: money(data.totals.gross, cur) },
      { id: 'fees', label: 'Platform fees', value: money(data.totals.fees, cur) },
      { id: 'net', label: 'Net to providers', value: money(data.totals.net, cur) },
    ]));
    const labels = data.times.map((t) => axisLabel(t, data.stepSeconds));
    const fees = data.times.map((_, i) => data.series.reduce((s, x) => s + Number(x.fees[i]), 0));
    const series = data.series.map((s) => ({ name: s.provider + ' · ' + s.center, type: 'bar', stack: 'gross',
      barMaxWidth: 36, data: s.gross.map(Number) }));
    series.push({ name: 'platform fees', type: 'line', color: '#111a2e', symbolSize: 5, data: fees });
    root.append(panel('Gross charges per day', 'stacked by provider and center; line: platform fees',
      el('div', { class: 'panel-body' }, data.series.length
        ? chart('revenue', { xAxis: { ...timeAxis(labels), boundaryGap: true }, yAxis: valueAxis(cur), series }, true)
        : el('div', { class: 'empty' }, 'No charges in this range.'))));
    root.append(el('div', { class: 'grid-2' },
      panel('By provider', null, el('div', { class: 'panel-body flush' }, table([
        { label: 'Provider', value: (p) => p.provider, foot: 'Total' },
        { label: 'Gross', num: true, value: (p) => money(p.gross), foot: money(data.totals.gross) },
        { label: 'Fees', num: true, value: (p) => money(p.fees), foot: money(data.totals.fees) },
        { label: 'Net', num: true, value: (p) => el('span', { data: { test: 'provider-net' } }, money(p.net)),
          foot: money(data.totals.net) },
      ], data.providers, { test: 'revenue-providers', key: (p) => p.provider, footer: true,
        empty: 'No charges in this range.' }))),
      panel('By center', null, el('div', { class: 'panel-body flush' }, table([
        { label: 'Provider', value: (s) => s.provider },
        { label: 'Center', value: (s) => s.center },
        { label: 'Gross', num: true, value: (s) => money(s.totalGross) },
        { label: 'Fees', num: true, value: (s) => money(s.totalFees) },
        { label: 'Net', num: true, value: (s) => money(s.totalNet) },
      ], data.series, { test: 'revenue-centers', empty: 'No charges in this range.' })))));
  },
};
