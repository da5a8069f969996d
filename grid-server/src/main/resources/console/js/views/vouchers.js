// Compute vouchers: what is left of each, until when, where it applies and which share of a charge it pays.
import { get } from '../api.js';
import { el, panel, kpis, table, badge, bar } from '../dom.js';
import { money, date, duration, between, pct } from '../format.js';
import { chart, valueAxis } from '../charts.js';

export default {
  async render(root, ctx) {
    const [v, account] = await Promise.all([
      get('/api/v1/vouchers', { tenant: ctx.tenant }, ctx),
      ctx.tenant ? get('/api/v1/tenants/' + encodeURIComponent(ctx.tenant) + '/account', null, ctx) : null,
    ]);
    const items = v.items;
    const active = items.filter((x) => x.state === 'ACTIVE');
    const cur = items.length ? items[0].currency : account ? account.currency : '';
    const remaining = active.reduce((s, x) => s + Number(x.remaining), 0);
    const next = active.map((x) => x.validTo).sort()[0];
    root.append(kpis([
      { id: 'remaining', label: 'Voucher money left', value: money(remaining, cur), sub: active.length + ' active vouchers' },
      { id: 'next-expiry', label: 'Next expiry', value: next ? date(next) : '–',
        sub: next ? 'in ' + duration(-between(next, null)) : '' },
      account ? { id: 'balance', label: 'Balance', value: money(account.balance, account.currency),
        sub: 'available ' + money(account.available) + ' incl. credit' } : null,
    ].filter(Boolean)));
    if (items.length) {
      const label = (x) => '#' + x.id + ' ' + x.issuer;
      root.append(panel('Used and left', 'per voucher, ' + cur, el('div', { class: 'panel-body' }, chart('vouchers', {
        grid: { left: 16, right: 32, top: 16, bottom: 44, containLabel: true },
        xAxis: valueAxis(''),
        yAxis: { type: 'category', data: items.map(label), axisLabel: { color: '#475467' } },
        series: [
          { name: 'used', type: 'bar', stack: 'v', data: items.map((x) => Number(x.amount) - Number(x.remaining)),
            color: '#94a3b8', barMaxWidth: 26 },
          { name: 'left', type: 'bar', stack: 'v', data: items.map((x) => Number(x.remaining)), barMaxWidth: 26 },
        ],
      }, false, items.length <= 3))));
    }
    root.append(panel('Vouchers', ctx.tenant ? 'tenant ' + ctx.tenant : 'all tenants', el('div',
      { class: 'panel-body flush' }, table([
        { label: 'Voucher', value: (x) => '#' + x.id },
        !ctx.tenant ? { label: 'Tenant', value: (x) => x.tenant } : null,
        { label: 'Issuer', value: (x) => x.issuer },
        { label: 'State', value: (x) => badge(x.state) },
        { label: 'Amount', num: true, value: (x) => money(x.amount) },
        { label: 'Remaining', num: true, value: (x) => el('span', { data: { test: 'voucher-remaining' } },
          money(x.remaining)) },
        { label: 'Left', value: (x) => bar(Number(x.remaining) / Number(x.amount),
          pct(Number(x.remaining), Number(x.amount)), true) },
        { label: 'Pays', num: true, value: (x) => pct(Number(x.share), 1) },
        { label: 'Scope', cls: 'wrap', value: (x) => [x.centers.length ? x.centers.join(', ') : 'any center',
          x.models.length ? x.models.join(', ') : 'any model'].join(' · ') },
        { label: 'Valid', cls: 'nowrap', value: (x) => date(x.validFrom) + ' – ' + date(x.validTo) },
      ].filter(Boolean), items, { test: 'vouchers', key: (x) => x.id, empty: 'No vouchers.' }))));
  },
};
