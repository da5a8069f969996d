// Number, money, time and duration formats used by every view (always text, never markup).
const nf = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const nf2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const nf3 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

export const num = (x) => (x === null || x === undefined || Number.isNaN(Number(x)) ? '–' : nf.format(Number(x)));
export const num3 = (x) => (x === null || x === undefined ? '–' : nf3.format(Number(x)));
export const money = (x, currency) => (x === null || x === undefined ? '–'
  : nf2.format(Number(x)) + (currency ? ' ' + currency : ''));
export const pct = (part, whole) => (whole > 0 ? nf.format((100 * part) / whole) + '%' : '–');

const pad = (n) => String(n).padStart(2, '0');

/** Local date and time, minutes precision: 2026-03-01 14:05. */
export function dateTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':'
    + pad(d.getMinutes());
}

export function date(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
}

/** A duration in seconds as people say it: 45 s, 12 min, 3 h 20 min, 2 d 4 h. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + (Math.floor(s / 60) % 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + (Math.floor(s / 3600) % 24) + ' h';
}

export const between = (a, b) => (a ? ((b ? new Date(b) : new Date()) - new Date(a)) / 1000 : null);

export function ago(iso) {
  if (!iso) return '–';
  return duration(between(iso, null)) + ' ago';
}

/** Axis labels for a series: times only within a day, dates for longer steps. */
export function axisLabel(iso, stepSeconds) {
  const d = new Date(iso);
  if (stepSeconds >= 86400) return pad(d.getMonth() + 1) + '-' + pad(d.getDate());
  return pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}
