// The month's statement of a tenant: totals, what vouchers and the balance paid, and the lines per job.
import { get, getText } from '../api.js';
import { el, panel, kpis, table, facts, link } from '../dom.js';
import { num, num3, money } from '../format.js';
import { chart } from '../charts.js';

function thisMonth() {
  const d = new Date();
  return d.getUTCFullYear() + '-' + String(d.getUTCMonth() + 1).padStart(2, '0');
}

async function download(ctx, tenant, month) {
  const csv = await getText('/api/v1/bills', { tenant, month, format: 'csv' }, ctx);
  const a = el('a', { download: 'statement-' + tenant + '-' + month + '.csv' });
  a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

export default {
  async render(root, ctx) {
    const month = /^\d{4}-\d{2}$/.test(ctx.params.get('month') || '') ? ctx.params.get('month') : thisMonth();
    const tenant = ctx.tenant;
    const picker = el('input', { type: 'month', value: month, 'aria-label': 'Month', data: { test: 'month' },
      on: { change: () => ctx.go('bills', { month: picker.value }) } });
    const tools = el('div', { class: 'toolbar' }, el('label', null, 'Month', picker), el('span', { class: 'spacer' }));
    root.append(tools);
    if (!tenant) {
      root.append(el('div', { class: 'notice', data: { test: 'pick-tenant' } },
        'A statement belongs to one tenant: pick one in the tenant menu above.'));
      return;
    }
    const b = await get('/api/v1/bills', { tenant, month }, ctx);
    const cur = b.currency;
    tools.append(el('button', { type: 'button', class: 'btn', on: { click: () => download(ctx, tenant, month) } },
      'Download CSV'));
    root.append(kpis([
      { id: 'total', label: 'Total', value: money(b.total, cur), sub: num(b.records) + ' usage records' },
      { id: 'vouchers', label: 'Paid by vouchers', value: money(b.paidByVouchers, cur) },
      { id: 'balance', label: 'Paid by balance', value: money(b.paidByBalance, cur) },
      { id: 'closing', label: 'Closing balance', value: money(b.closingBalance, cur),
        sub: 'opening ' + money(b.openingBalance) + ', top-ups ' + money(b.topUps) },
    ]));
    const byModel = {};
    for (const l of b.lines) byModel[l.accelerator + ' · ' + l.center] = (byModel[l.accelerator + ' · ' + l.center] || 0)
      + Number(l.cost);
    root.append(el('div', { class: 'grid-2' },
      panel('Statement', b.tenant + ', ' + b.month + ' (UTC)', el('div', { class: 'panel-body' }, facts([
        ['Period', b.from.slice(0, 10) + ' to ' + b.to.slice(0, 10)], ['Card-hours', num3(b.cardHours)],
        ['P·h', num3(b.pflopHours)], ['Opening balance', money(b.openingBalance, cur)],
        ['Top-ups', money(b.topUps, cur)], ['Closing balance', money(b.closingBalance, cur)],
      ]))),
      panel('Where the money went', 'cost by model and center', el('div', { class: 'panel-body' },
        b.lines.length ? chart('bill-split', {
          tooltip: { trigger: 'item', renderMode: 'richText' },
          legend: { type: 'scroll', orient: 'vertical', right: 8, top: 'middle' },
          series: [{ name: 'cost', type: 'pie', radius: ['45%', '72%'], center: ['36%', '52%'],
            label: { show: false }, data: Object.entries(byModel).map(([name, value]) => ({ name, value })) }],
        }) : el('div', { class: 'empty' }, 'Nothing was charged this month.')))));
    root.append(panel('Lines', 'one per job, model and center', el('div', { class: 'panel-body flush' }, table([
      { label: 'Job', value: (l) => link('/jobs/' + l.jobId, '#' + l.jobId), foot: 'Total' },
      { label: 'Model', value: (l) => l.accelerator },
      { label: 'Center', value: (l) => l.center },
      { label: 'Records', num: true, value: (l) => num(l.records), foot: num(b.records) },
      { label: 'Card-h', num: true, value: (l) => num3(l.cardHours), foot: num3(b.cardHours) },
      { label: 'P·h', num: true, value: (l) => num3(l.pflopHours), foot: num3(b.pflopHours) },
      { label: 'Cost', num: true, value: (l) => money(l.cost), foot: money(b.total) },
      { label: 'Vouchers', num: true, value: (l) => money(l.paidByVouchers), foot: money(b.paidByVouchers) },
      { label: 'Balance', num: true, value: (l) => money(l.paidByBalance), foot: money(b.paidByBalance) },
    ], b.lines, { test: 'bill-lines', key: (l) => l.jobId + '/' + l.accelerator + '/' + l.center, footer: true,
      empty: 'No usage this month.' }))));
    root.append(panel('Vouchers used', null, el('div', { class: 'panel-body flush' }, table([
      { label: 'Voucher', value: (v) => '#' + v.voucherId },
      { label: 'Issuer', value: (v) => v.issuer },
      { label: 'Used this month', num: true, value: (v) => money(v.used, cur) },
      { label: 'Remaining', num: true, value: (v) => money(v.remaining, cur) },
    ], b.vouchers, { test: 'bill-vouchers', empty: 'No voucher paid anything this month.' }))));
  },
};
