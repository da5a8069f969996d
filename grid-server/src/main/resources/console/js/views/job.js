// One job: state, why it is where it is (or why it waits), the score table of the pools the scheduler
// compared, tasks, events and the tail of its logs.
import { get, getText, post } from '../api.js';
import { el, panel, table, badge, facts, link, errorBox } from '../dom.js';
import { num, num3, money, dateTime, duration, between, ago } from '../format.js';
import { requested, cards } from './jobs.js';

const TAIL = 200;
const ACTIVE = ['PENDING', 'ADMITTED', 'RUNNING'];

function why(job, x) {
  const body = el('div', { class: 'panel-body' });
  if (x.waiting) {
    const w = x.waiting;
    body.append(el('p', { class: 'reason', data: { test: 'wait-reason' } }, w.message));
    body.append(el('div', { class: 'reason-code' }, 'Reason code ', el('code', { data: { test: 'wait-code' } }, w.code),
      ' from the ', el('code', null, w.plugin), ' step',
      w.estimatedStart ? ' · estimated start ' + dateTime(w.estimatedStart) : '',
      w.relatedJob ? el('span', null, ' · see ', link('/jobs/' + w.relatedJob, 'job #' + w.relatedJob)) : '',
      x.pendingAhead !== undefined ? ' · ' + num(x.pendingAhead) + ' pending jobs were submitted before it' : ''));
  } else {
    body.append(el('p', { class: 'reason', data: { test: 'summary' } }, x.summary));
  }
  if (x.reservation) {
    const r = x.reservation;
    body.append(el('p', { class: 'muted' }, 'Reserved: ' + [r.center, r.pool].filter(Boolean).join(' / ')
      + (r.startAt > 0 ? ' from ' + dateTime(new Date(r.startAt).toISOString()) : '')));
  }
  return panel(job.state === 'PENDING' ? 'Why it waits' : 'Why it is here', 'the scheduler\'s explanation', body,
    { data: { test: 'explain' } });
}

function scores(x) {
  const rows = x.placement && x.placement.scores ? x.placement.scores : [];
  const rel = (ms) => (ms > 0 ? dateTime(new Date(ms).toISOString()) : '–');
  return panel('Candidate pools', 'the scheduler\'s score table, chosen first (lower total is better)',
    el('div', { class: 'panel-body flush' }, table([
      { label: 'Center', value: (s) => s.center },
      { label: 'Pool', value: (s) => s.pool },
      { label: 'Model', value: (s) => s.accelerator },
      { label: 'Fits now', value: (s) => badge(s.fitsNow ? 'yes' : 'no', s.fitsNow ? 'ok' : 'warn') },
      { label: 'Est. start', cls: 'nowrap', value: (s) => rel(s.estimatedStartMillis) },
      { label: 'Est. finish', cls: 'nowrap', value: (s) => rel(s.estimatedFinishMillis) },
      { label: 'List cost', num: true, value: (s) => money(s.cost) },
      { label: 'Data s', num: true, value: (s) => num(s.dataSeconds) },
      { label: 'Latency ms', num: true, value: (s) => num(s.latencyMs) },
      { label: 'Energy', num: true, value: (s) => num3(s.energy) },
      { label: 'Total', num: true, value: (s) => num3(s.total) },
    ], rows, { test: 'scores', key: (s) => s.center + '/' + s.pool,
      empty: 'No placement yet: the table appears once the scheduler places the job.' })));
}

export default {
  async render(root, ctx) {
    const id = ctx.id;
    const [job, x, events] = await Promise.all([
      get('/api/v1/jobs/' + encodeURIComponent(id), null, ctx),
      get('/api/v1/jobs/' + encodeURIComponent(id) + '/explain', null, ctx),
      get('/api/v1/jobs/' + encodeURIComponent(id) + '/events', null, ctx),
    ]);
    ctx.title('Job #' + job.id);
    const cancel = ACTIVE.includes(job.state) ? el('button', { type: 'button', class: 'btn btn-danger', on: {
      click: async () => {
        if (!window.confirm('Cancel job #' + job.id + ' (' + job.name + ')?')) return;
        try {
          await post('/api/v1/jobs/' + job.id + '/cancel', {});
          ctx.go('jobs/' + job.id, { t: Date.now() });
        } catch (e) {
          root.prepend(errorBox(e));
        }
      },
    } }, 'Cancel job') : null;
    root.append(el('div', { class: 'title-row' }, el('h2', null, job.name),
      badge(job.state), el('span', { class: 'spacer' }), cancel));
    root.append(panel('Job', null, el('div', { class: 'panel-body' }, facts([
      ['Tenant', job.tenant], ['Priority', job.priority], ['Requested', num(cards(job.spec)) + ' × ' + requested(job.spec)
        + (job.spec.tasks > 1 ? ' in ' + job.spec.tasks + ' tasks' : '')],
      ['Placed on', job.center ? job.center + ' / ' + job.pool + ' (' + job.accelerator + ')' : null],
      ['Submitted', dateTime(job.submittedAt) + ' (' + ago(job.submittedAt) + ')'],
      ['Started', job.startedAt ? dateTime(job.startedAt) : null],
      ['Finished', job.finishedAt ? dateTime(job.finishedAt) : null],
      ['Waited', duration(between(job.submittedAt, job.startedAt))],
      ['Ran', job.startedAt ? duration(between(job.startedAt, job.finishedAt)) : null],
      ['Attempt', num(job.attempt)], ['Exit code', job.exitCode], ['Reason', job.reason],
    ]))));
    root.append(why(job, x));
    root.append(scores(x));
    root.append(panel('Tasks', 'current attempt', el('div', { class: 'panel-body flush' }, table([
      { label: 'Task', value: (t) => num(t.index) },
      { label: 'Node', value: (t) => t.node },
      { label: 'Cards', value: (t) => (t.cards || []).join(', ') || '–' },
      { label: 'State', value: (t) => badge(t.state) },
      { label: 'Exit code', num: true, value: (t) => (t.exitCode === null ? '–' : String(t.exitCode)) },
      { label: 'Reason', cls: 'wrap', value: (t) => t.reason || '–' },
    ], job.tasks, { test: 'tasks', empty: 'No tasks placed yet.' }))));
    root.append(panel('Events', null, el('div', { class: 'panel-body flush' }, table([
      { label: 'Time', cls: 'nowrap', value: (e) => dateTime(e.at) },
      { label: 'Type', value: (e) => el('code', null, e.type) },
      { label: 'Message', cls: 'wrap', value: (e) => e.message },
    ], events.items, { test: 'events', empty: 'No events.' }))));
    const logs = el('pre', { class: 'logs', data: { test: 'logs' } }, 'loading…');
    root.append(panel('Logs', 'last ' + TAIL + ' lines of each task', logs));
    try {
      const text = await getText('/api/v1/jobs/' + encodeURIComponent(id) + '/logs', { tail: TAIL }, ctx);
      logs.textContent = text || '(no output yet)';
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      logs.textContent = 'Logs are not available: ' + e.message;
    }
  },
};
