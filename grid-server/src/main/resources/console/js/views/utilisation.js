// Operator: allocated cards and P (FP16 PFLOPS) against capacity over time, per center and model.
import { get } from '../api.js';
import { el, panel, kpis, table, segmented, select, bar } from '../dom.js';
import { num, num3, pct, axisLabel, dateTime } from '../format.js';
import { chart, timeAxis, valueAxis, PALETTE } from '../charts.js';

export const RANGES = [
  { value: '6h', label: '6 h', seconds: 6 * 3600 },
  { value: '24h', label: '24 h', seconds: 86400 },
  { value: '7d', label: '7 d', seconds: 7 * 86400 },
  { value: '30d', label: '30 d', seconds: 30 * 86400 },
];

export function rangeFrom(value, fallback) {
  const r = RANGES.find((x) => x.value === value) || RANGES.find((x) => x.value === fallback);
  return { range: r.value, from: new Date(Date.now() - r.seconds * 1000).toISOString() };
}

const avg = (xs) => {
  const v = xs.filter((x) => x !== null);
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : 0;
};

export default {
  async render(root, ctx) {
    const { range, from } = rangeFrom(ctx.params.get('range'), '24h');
    const center = ctx.params.get('center') || '';
    const [data, centers] = await Promise.all([
      get('/api/v1/stats/utilisation', { from, center }, ctx),
      get('/api/v1/centers', null, ctx),
    ]);
    const go = (q) => ctx.go('utilisation', { range, center, ...q });
    root.append(el('div', { class: 'toolbar' },
      segmented(RANGES, range, (v) => go({ range: v }), 'Range'),
      el('label', null, 'Center', select([{ value: '', label: 'All centers' },
        ...centers.items.map((c) => ({ value: c.name, label: c.name }))], center, (v) => go({ center: v }),
      { 'aria-label': 'Center' })),
      el('span', { class: 'spacer' }),
      el('span', { class: 'muted' }, dateTime(data.from) + ' – ' + dateTime(data.to) + ' · one point per '
        + num(data.stepSeconds / 60) + ' min')));
    const labels = data.times.map((t) => axisLabel(t, data.stepSeconds));
    const series = data.series;
    const capacity = series.reduce((s, x) => s + x.capacityCards, 0);
    const capacityP = series.reduce((s, x) => s + x.capacityPflops, 0);
    const now = series.map((s) => [...s.allocatedCards].reverse().find((x) => x !== null) || 0);
    const nowTotal = now.reduce((s, x) => s + x, 0);
    const mean = series.reduce((s, x) => s + avg(x.allocatedCards), 0);
    root.append(kpis([
      { id: 'capacity', label: 'Capacity', value: num(capacity) + ' cards', sub: num(capacityP) + ' PFLOPS FP16' },
      { id: 'latest', label: 'Allocated (latest)', value: num(nowTotal), sub: pct(nowTotal, capacity) + ' of capacity' },
      { id: 'average', label: 'Average allocated', value: num(mean), sub: pct(mean, capacity) + ' over the range' },
    ]));
    const name = (s) => s.center + ' · ' + s.accelerator;
    const cardSeries = series.flatMap((s, i) => [
      { name: name(s), type: 'line', showSymbol: false, step: 'end', areaStyle: { opacity: 0.12 },
        data: s.allocatedCards, color: PALETTE[i % PALETTE.length] },
      { name: name(s) + ' capacity', type: 'line', showSymbol: false, data: s.allocatedCards.map(() => s.capacityCards),
        lineStyle: { type: 'dashed', width: 1 }, color: PALETTE[i % PALETTE.length] },
    ]);
    const pSeries = series.map((s) => ({ name: name(s), type: 'line', stack: 'p', showSymbol: false, step: 'end',
      areaStyle: { opacity: 0.35 }, data: s.allocatedPflops }));
    pSeries.push({ name: 'capacity', type: 'line', showSymbol: false, color: '#111a2e',
      lineStyle: { type: 'dashed', width: 1.5 }, data: data.times.map(() => capacityP) });
    root.append(el('div', { class: 'grid-2' },
      panel('Allocated cards vs capacity', 'per center and model (dashed: capacity)', el('div', { class: 'panel-body' },
        chart('utilisation-cards', { xAxis: timeAxis(labels), yAxis: valueAxis('cards'), series: cardSeries,
          legend: { type: 'scroll', bottom: 0, left: 16, right: 16, data: series.map(name) } }, true))),
      panel('Allocated P vs capacity', 'FP16 PFLOPS, stacked', el('div', { class: 'panel-body' },
        chart('utilisation-pflops', { xAxis: timeAxis(labels), yAxis: valueAxis('PFLOPS'), series: pSeries }, true)))));
    root.append(panel('By center and model', 'averages over the range', el('div', { class: 'panel-body flush' },
      table([
        { label: 'Center', value: (s) => s.center },
        { label: 'Model', value: (s) => s.accelerator },
        { label: 'Capacity', num: true, value: (s) => num(s.capacityCards) },
        { label: 'Average', num: true, value: (s) => num(avg(s.allocatedCards)) },
        { label: 'Peak', num: true, value: (s) => num(s.peakCards) },
        { label: 'Average P', num: true, value: (s) => num3(avg(s.allocatedPflops)) },
        { label: 'Utilisation', value: (s) => bar(s.capacityCards ? avg(s.allocatedCards) / s.capacityCards : 0,
          pct(avg(s.allocatedCards), s.capacityCards)) },
      ], series, { test: 'utilisation', key: name }))));
  },
};
