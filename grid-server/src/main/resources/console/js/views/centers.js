// Operator: every center with its status and pools, allocated and idle cards per model.
import { get } from '../api.js';
import { el, panel, kpis, table, badge, bar, facts } from '../dom.js';
import { num, pct, money } from '../format.js';
import { chart, valueAxis } from '../charts.js';

export default {
  async render(root, ctx) {
    const { items } = await get('/api/v1/centers', null, ctx);
    // edge boxes of agent centers, by center (the operator's view; one call for all)
    const agents = items.some((c) => c.backend === 'agent')
      ? Object.groupBy((await get('/api/v1/agents', null, ctx)).items, (a) => a.center) : {};
    const pools = items.flatMap((c) => c.pools.map((p) => ({ ...p, center: c.name })));
    const cards = pools.reduce((s, p) => s + p.cards, 0);
    const allocated = pools.reduce((s, p) => s + p.allocated, 0);
    const up = items.filter((c) => c.status === 'UP').length;
    const pflops = pools.reduce((s, p) => s + (p.cards * (p.fp16TflopsPerCard || 0)) / 1000, 0);
    root.append(kpis([
      { id: 'centers', label: 'Centers up', value: up + ' / ' + items.length,
        sub: items.length - up ? items.length - up + ' degraded or down' : 'all healthy' },
      { id: 'cards', label: 'Cards', value: num(cards), sub: num(pflops) + ' PFLOPS FP16 rated' },
      { id: 'allocated', label: 'Allocated', value: num(allocated), sub: pct(allocated, cards) + ' of cards' },
      { id: 'idle', label: 'Idle', value: num(cards - allocated), sub: 'available to any tenant' },
    ]));
    const labels = pools.map((p) => p.center + ' · ' + p.accelerator);
    root.append(panel('Cards by center and model', 'allocated and idle now', el('div', { class: 'panel-body' },
      chart('centers-cards', {
        xAxis: { type: 'category', data: labels, axisLabel: { color: '#667085' } },
        yAxis: valueAxis('cards'),
        tooltip: { trigger: 'axis', renderMode: 'richText' },
        series: [
          { name: 'allocated', type: 'bar', stack: 'cards', data: pools.map((p) => p.allocated), barMaxWidth: 56 },
          { name: 'idle', type: 'bar', stack: 'cards', data: pools.map((p) => p.idle), color: '#cbd5e1',
            barMaxWidth: 56 },
        ],
      }))));
    for (const c of items) {
      const head = el('div', { class: 'center-head' }, el('h2', null, c.name), badge(c.status));
      const meta = facts([['Region', c.region], ['Tier', c.tier], ['Backend', c.backend], ['Provider', c.provider],
        ['PUE', num(c.pue)], ['Green energy', pct(c.greenShare, 1)], ['Status reason', c.statusReason]]);
      const poolTable = table([
        { label: 'Pool', value: (p) => p.name },
        { label: 'Model', value: (p) => p.accelerator },
        { label: 'Nodes', num: true, value: (p) => num(p.nodes) },
        { label: 'Cards / node', num: true, value: (p) => num(p.acceleratorsPerNode) },
        { label: 'Cards', num: true, value: (p) => el('span', { data: { test: 'pool-cards' } }, num(p.cards)) },
        { label: 'Allocated', num: true, value: (p) => el('span', { data: { test: 'pool-allocated' } }, num(p.allocated)) },
        { label: 'Idle', num: true, value: (p) => el('span', { data: { test: 'pool-idle' } }, num(p.idle)) },
        { label: 'Utilisation', value: (p) => bar(p.cards ? p.allocated / p.cards : 0, pct(p.allocated, p.cards)) },
        { label: 'Price / card-h', num: true, value: (p) => money(p.onDemandPerCardHour ?? p.pricePerCardHour) },
      ], c.pools, { key: (p) => p.name, test: 'pools', empty: 'No pools.' });
      const agentTable = c.backend !== 'agent' ? null : table([
        { label: 'Agent', value: (a) => a.name },
        { label: 'Node', value: (a) => a.node },
        { label: 'Cards', num: true, value: (a) => num(a.cards) + ' × ' + a.accelerator },
        { label: 'Address', value: (a) => a.address },
        { label: 'Status', value: (a) => el('span', { data: { test: 'agent-status' } }, badge(a.status),
          a.draining ? ' draining' : null) },
        { label: 'Last heartbeat', num: true, value: (a) => num(a.secondsSinceHeartbeat) + ' s ago' },
        { label: 'Tasks', num: true, value: (a) => num(a.tasks.length) },
      ], agents[c.name] || [], { key: (a) => a.name, test: 'agents',
        empty: 'No agent has joined; an operator makes a join token with grid agent token --center ' + c.name + '.' });
      root.append(el('section', { class: 'panel', data: { center: c.name, status: c.status } },
        el('div', { class: 'panel-head' }, head, el('span', { class: 'muted' },
          c.pools.length + (c.pools.length === 1 ? ' pool' : ' pools')
          + (agentTable ? ', ' + (agents[c.name] || []).length + ' agent(s)' : ''))),
        el('div', { class: 'panel-body' }, meta), el('div', { class: 'panel-body flush' }, poolTable),
        agentTable && el('div', { class: 'panel-body flush' }, agentTable)));
    }
  },
};
