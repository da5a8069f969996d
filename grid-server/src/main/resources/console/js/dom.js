// DOM building without markup strings: every value from the API goes in as text (textContent or a
// text node), never parsed as HTML, so nothing a tenant names a job can run as script.

/** el('td', {class: 'num', data: {test: 'x'}}, 'text', childNode, ...) */
export function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = String(v);
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) e.addEventListener(ev, fn);
    else if (k === 'data') for (const [dk, dv] of Object.entries(v)) e.dataset[dk] = String(dv);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** A link inside the console (hash routes only, so no URL from the API ever becomes a link target). */
export function link(hash, text, props = {}) {
  return el('a', { ...props, href: '#' + hash }, text);
}

export function badge(text, kind) {
  return el('span', { class: 'badge ' + (kind || text) }, text);
}

/**
 * A filled bar for a share 0..1 (width set through the CSSOM, which the CSP allows); a load bar turns amber
 * from 80% and red from 95%, a plain one (what is left of something) stays blue.
 */
export function bar(share, label, plain) {
  const s = Math.max(0, Math.min(1, Number(share) || 0));
  const fill = el('span');
  fill.style.width = (s * 100).toFixed(1) + '%';
  const level = plain ? '' : s >= 0.95 ? ' bad' : s >= 0.8 ? ' warn' : '';
  const b = el('div', { class: 'bar' + level, role: 'img',
    'aria-label': label || Math.round(s * 100) + '%' }, fill);
  return el('div', { class: 'bar-cell' }, b, el('span', { class: 'muted nowrap' }, label || Math.round(s * 100) + '%'));
}

export function panel(title, subtitle, body, props = {}) {
  return el('section', { class: 'panel', ...props },
    el('div', { class: 'panel-head' }, el('h2', null, title), subtitle ? el('span', { class: 'muted' }, subtitle) : null),
    body);
}

export function kpis(items) {
  return el('div', { class: 'kpis' }, items.map((k) => el('div', { class: 'kpi', data: { kpi: k.id } },
    el('div', { class: 'kpi-label' }, k.label),
    el('div', { class: 'kpi-value', data: { test: 'kpi-' + k.id } }, k.value),
    k.sub ? el('div', { class: 'kpi-sub' }, k.sub) : null)));
}

/** Definition list of facts: [[label, value], ...]. */
export function facts(pairs) {
  return el('dl', { class: 'facts' }, pairs.map(([k, v]) => el('div', { class: 'fact' }, el('dt', null, k),
    el('dd', null, v === null || v === undefined || v === '' ? '–' : v))));
}

/**
 * A table: columns are {label, value: row => text|Node, num, cls, foot}; rows become <tr data-key=...>.
 * An empty list shows the empty text instead of a header with no rows.
 */
export function table(columns, rows, { empty = 'Nothing to show.', key, test, footer } = {}) {
  if (!rows.length) return el('div', { class: 'empty', data: { test: test ? test + '-empty' : 'empty' } }, empty);
  const head = el('tr', null, columns.map((c) => el('th', { class: c.num ? 'num' : c.cls }, c.label)));
  const body = rows.map((r) => el('tr', { data: key ? { key: key(r) } : null },
    columns.map((c) => el('td', { class: c.num ? 'num' : c.cls }, c.value(r)))));
  const foot = footer ? el('tfoot', null, el('tr', null, columns.map((c) => el('td', { class: c.num ? 'num' : c.cls },
    c.foot === undefined ? '' : c.foot)))) : null;
  return el('div', { class: 'table-wrap' },
    el('table', { class: 'table', data: test ? { test } : null }, el('thead', null, head), el('tbody', null, body), foot));
}

/** Buttons of which one is active: options [{value, label}], onPick(value). */
export function segmented(options, active, onPick, name) {
  return el('div', { class: 'segmented', role: 'group', 'aria-label': name }, options.map((o) => el('button', {
    type: 'button', class: o.value === active ? 'active' : null, data: { value: o.value },
    on: { click: () => onPick(o.value) },
  }, o.label)));
}

export function select(options, value, onChange, props = {}) {
  const s = el('select', { ...props, on: { change: () => onChange(s.value) } },
    options.map((o) => el('option', { value: o.value, selected: o.value === value }, o.label)));
  return s;
}

export function errorBox(e) {
  const title = e && e.title ? e.title : 'Error';
  const status = e && e.status ? ' (' + e.status + ')' : '';
  return el('div', { class: 'error-box', role: 'alert', data: { test: 'error' } },
    el('strong', null, title + status + ': '), (e && e.message) || String(e));
}
